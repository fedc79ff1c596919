"""Background jobs for video rooms: made ahead of time, retried with backoff, ended after.

Run by the database worker (`seminarium db_worker`) in the embedded set-up, by RQ
workers in production; `seminarium video_rooms` does a periodic sweep (cron or a
systemd timer).
"""

from datetime import datetime

from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from seminarium.programmes.models import Programme

from . import services
from .models import Room


def enqueue_at(background: Task, when: datetime, *args) -> None:
    """Enqueue for later where the backend can defer; otherwise the periodic sweep catches it."""
    if background.get_backend().supports_defer:
        background.using(run_after=when).enqueue(*args)


@task()
def ensure_rooms(programme_id: int) -> dict[str, int]:
    """Create the programme's rooms; failures come back at their backoff time."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return {}
    started = timezone.now()
    counts = services.ensure_programme_rooms(programme)
    for room in Room.objects.filter(
        session__programme=programme, status=Room.Status.READY, ready_at__gte=started
    ).select_related("session"):
        enqueue_at(finish_room, room.session.end, room.pk)
    for room in Room.objects.filter(
        session__programme=programme, status=Room.Status.READY, provider="zoom"
    ).select_related("session"):
        counts["registered"] = counts.get("registered", 0) + services.register_zoom_participants(
            room
        )
    counts["interpreters"] = services.sync_interpreters(programme)
    if (retry_at := services.next_retry_at(programme_id)) is not None:
        enqueue_at(ensure_rooms, retry_at, programme_id)
    return counts


@task()
def finish_room(room_id: int) -> int:
    """End one room once its session is over (a later sweep catches a moved session)."""
    return services.end_finished_rooms(room_id=room_id)


@task()
def collect_final_attendance(room_id: int) -> int:
    room = Room.objects.filter(pk=room_id).select_related("session").first()
    if room is None or room.attendance_fetched_at is not None:
        return 0
    return services.fetch_final_attendance(room)


@task()
def sweep() -> dict[str, int]:
    """The periodic round: rooms for sessions within the next hours, rooms of open
    sessions that the provider may have dropped, rooms to end, and final attendance not
    yet fetched."""
    programme_ids = services.upcoming_programme_ids(timezone.now())
    for programme_id in programme_ids:
        ensure_rooms.call(programme_id)
    renewed = services.renew_open_rooms()
    ended = services.end_finished_rooms()
    fetched = 0
    for room_id in Room.objects.filter(
        status=Room.Status.ENDED, attendance_fetched_at__isnull=True
    ).values_list("pk", flat=True):
        fetched += collect_final_attendance.call(room_id)
    return {
        "programmes": len(programme_ids),
        "renewed": renewed,
        "ended": ended,
        "final_events": fetched,
        "bbb_hook": services.register_bbb_webhook(),
    }
