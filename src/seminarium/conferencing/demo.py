"""Demo data for video rooms: public Jitsi, planned rooms and everyone's personal join link."""

from django.db import transaction

from seminarium.programmes.models import Programme

from . import services
from .models import DEFAULT_PROVIDER, VideoSettings


def load_demo(programme: Programme) -> None:
    """Idempotent: the provider is set once, rooms and links are made only where missing."""
    with transaction.atomic():
        VideoSettings.objects.get_or_create(
            programme=programme, defaults={"provider": DEFAULT_PROVIDER}
        )
        for participation in programme.participations.filter(status__in=services.ACTIVE_STATUSES):
            services.personal_link(participation)
    # Public Jitsi rooms need no network call; the demo seminar's sessions lie in the past,
    # so they stay planned, and the join page shows them as over.
    services.ensure_programme_rooms(programme)
