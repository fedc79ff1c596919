import pytest

from seminarium.conferencing.demo import load_demo
from seminarium.conferencing.models import PersonalLink, Room
from seminarium.programmes import demo
from seminarium.programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent():
    demo.load_demo()
    programme = Programme.objects.get(slug=demo.DEMO_SLUG)
    load_demo(programme)
    counts = (PersonalLink.objects.count(), Room.objects.count())
    load_demo(programme)
    assert (PersonalLink.objects.count(), Room.objects.count()) == counts
    assert (
        counts[0]
        == programme.participations.exclude(status="cancelled").exclude(status="declined").count()
    )
    assert counts[1] > 0
