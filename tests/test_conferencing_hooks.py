"""Provider callbacks, presence heartbeats and the jobs after a session, through our endpoints
and the real adapters (Zoom's and BigBlueButton's signatures are built as their docs say)."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from seminarium.attendance.models import AttendanceEvent, RoomEnd
from seminarium.conferencing import services
from seminarium.conferencing.models import JoinRecord, Room, SessionVideo, ZoomRegistrant
from seminarium.conferencing.providers import PROVIDERS
from seminarium.conferencing.providers.base import (
    ProviderEvent,
    ProvisionedRoom,
    VideoProvider,
    WebhookResult,
)
from tests import factories

pytestmark = pytest.mark.django_db

EVENT_SYNC_SECRET = "event-sync-bearer-secret"
ZOOM_SECRET = "zoom-webhook-secret-token"
BBB_SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.JITSI_JWT_BASE_URL = "https://meet.example.org/"
    settings.JITSI_EVENT_SYNC_SECRET = EVENT_SYNC_SECRET
    settings.ZOOM_WEBHOOK_SECRET = ZOOM_SECRET
    settings.BBB_URL = "https://bbb.example.org/bigbluebutton/"
    settings.BBB_SECRET = BBB_SECRET
    settings.JANUS_EVENT_USER = "janus"
    settings.JANUS_EVENT_SECRET = "janus-event-secret"


@pytest.fixture
def room():
    now = timezone.now()
    session = factories.SessionFactory(
        start=now - timedelta(minutes=30), end=now + timedelta(minutes=60)
    )
    SessionVideo.objects.create(session=session, provider="jitsi-jwt")
    services.ensure_programme_rooms(session.programme)
    return Room.objects.get(session=session, channel="")


def _event_sync(room, participant_ref: str, name: str = "Judge", event="muc-occupant-joined"):
    at = int(time.time())
    return {
        "event_name": event,
        "room_name": room.provider_room_id,
        "occupant": {
            "id": participant_ref,
            "name": name,
            "occupant_jid": f"{room.key}@conference/abc{participant_ref}",
            "joined_at": at - 60,
            "left_at": at,
        },
    }


def _post_json(url: str, payload, **headers):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Client().post(url, body, content_type="application/json", **headers)


# Where event_sync posts with api_prefix = our /hooks/jitsi-jwt (jitsi-contrib/prosody-plugins).
EVENT_SYNC = "/hooks/jitsi-jwt/events"


@pytest.mark.parametrize(
    ("path", "event", "kind"),
    [
        ("occupant/joined", "muc-occupant-joined", "join"),
        ("occupant/left", "muc-occupant-left", "leave"),
    ],
)
def test_jitsi_event_sync_matches_our_participant(room, path, event, kind):
    participation = factories.ParticipationFactory(programme=room.session.programme)
    response = _post_json(
        f"{EVENT_SYNC}/{path}",
        _event_sync(room, str(participation.pk), event=event),
        HTTP_AUTHORIZATION=f"Bearer {EVENT_SYNC_SECRET}",
    )
    assert response.status_code == 200
    event = AttendanceEvent.objects.get()
    assert (event.participation_id, event.kind, event.source) == (
        participation.pk,
        kind,
        "jitsi-jwt",
    )


def test_jitsi_room_created_is_answered_and_records_nothing(room):
    payload = {"event_name": "muc-room-created", "room_name": room.provider_room_id}
    response = _post_json(
        f"{EVENT_SYNC}/room/created", payload, HTTP_AUTHORIZATION=f"Bearer {EVENT_SYNC_SECRET}"
    )
    assert response.status_code == 200
    assert not AttendanceEvent.objects.exists()
    other = _post_json(
        f"{EVENT_SYNC}/../../zoom/", payload, HTTP_AUTHORIZATION=f"Bearer {EVENT_SYNC_SECRET}"
    )
    assert other.status_code != 200


def test_unknown_participant_is_kept_for_review(room):
    stranger = factories.ParticipationFactory()  # another programme's: not matched
    response = _post_json(
        "/hooks/jitsi-jwt/",
        _event_sync(room, str(stranger.pk), name="Someone"),
        HTTP_AUTHORIZATION=f"Bearer {EVENT_SYNC_SECRET}",
    )
    assert response.status_code == 200
    event = AttendanceEvent.objects.get()
    assert event.participation_id is None
    assert event.participant_label == "Someone"


def test_wrong_or_missing_secret_stores_nothing(room, caplog):
    payload = _event_sync(room, "1")
    assert _post_json("/hooks/jitsi-jwt/", payload).status_code == 401
    response = _post_json("/hooks/jitsi-jwt/", payload, HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 403
    assert not AttendanceEvent.objects.exists()
    assert "rejected" in caplog.text
    # Neither the secret sent nor the one configured reaches the log.
    assert "Bearer wrong" not in caplog.text
    assert EVENT_SYNC_SECRET not in caplog.text


def test_room_destroyed_closes_the_room(room, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    participation = factories.ParticipationFactory(programme=room.session.programme)
    at = int(time.time())
    payload = {
        "event_name": "muc-room-destroyed",
        "room_name": room.provider_room_id,
        "destroyed_at": at,
        "all_occupants": [
            {
                "id": str(participation.pk),
                "name": "J",
                "occupant_jid": "x",
                "joined_at": at - 600,
                "left_at": at - 5,
            }
        ],
    }
    response = _post_json(
        f"{EVENT_SYNC}/room/destroyed", payload, HTTP_AUTHORIZATION=f"Bearer {EVENT_SYNC_SECRET}"
    )
    assert response.status_code == 200
    room.refresh_from_db()
    assert room.status == Room.Status.ENDED
    assert RoomEnd.objects.get().session_id == room.session_id
    assert AttendanceEvent.objects.count() == 2


def _zoom_post(payload: dict, secret: str = ZOOM_SECRET):
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return Client().post(
        "/hooks/zoom/",
        body,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=timestamp,
        HTTP_X_ZM_SIGNATURE="v0=" + digest.hexdigest(),
    )


def test_zoom_url_validation_answers_json():
    response = _zoom_post({"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}})
    assert response.status_code == 200
    expected = hmac.new(ZOOM_SECRET.encode(), b"abc", hashlib.sha256).hexdigest()
    assert response.json() == {"plainToken": "abc", "encryptedToken": expected}


def test_zoom_participants_matched_by_registrant_then_email(room):
    Room.objects.filter(pk=room.pk).update(provider="zoom", provider_room_id="8512345")
    programme = room.session.programme
    registered = factories.ParticipationFactory(programme=programme)
    ZoomRegistrant.objects.create(
        room=room, participation=registered, registrant_id="reg-1", join_url="https://z/1"
    )
    by_email = factories.ParticipationFactory(
        programme=programme, person=factories.PersonFactory(email="Judge@Court.example")
    )

    def joined(participant: dict):
        return _zoom_post(
            {
                "event": "meeting.participant_joined",
                "payload": {
                    "object": {
                        "id": "8512345",
                        "participant": {"join_time": "2021-04-15T06:01:00Z", **participant},
                    }
                },
            }
        )

    assert joined({"registrant_id": "reg-1", "participant_uuid": "a"}).status_code == 200
    assert joined({"email": "judge@court.example", "participant_uuid": "b"}).status_code == 200
    assert joined({"email": "nobody@x.example", "participant_uuid": "c"}).status_code == 200
    matched = dict(AttendanceEvent.objects.values_list("device", "participation_id"))
    assert matched == {"a": registered.pk, "b": by_email.pk, "c": None}


def test_zoom_bad_signature_is_rejected(room):
    response = _zoom_post({"event": "endpoint.url_validation", "payload": {}}, secret="forged")
    assert response.status_code in (401, 403)


def test_bbb_callback_with_checksum(room):
    Room.objects.filter(pk=room.pk).update(provider="bbb")
    participation = factories.ParticipationFactory(programme=room.session.programme)
    event = {
        "data": {
            "id": "user-joined",
            "attributes": {
                "meeting": {"external-meeting-id": room.provider_room_id},
                "user": {
                    "internal-user-id": "w_1",
                    "external-user-id": str(participation.pk),
                    "name": "Judge",
                },
            },
            "event": {"ts": int(time.time() * 1000)},
        }
    }
    from urllib.parse import urlencode

    body = urlencode({"event": json.dumps([event]), "timestamp": "1"})
    callback = services.provider_config("bbb")["webhook_url"]
    # sha1 is what older BigBlueButton webhooks send.
    checksum = hashlib.sha1((callback + body + BBB_SECRET).encode()).hexdigest()  # noqa: S324
    response = Client().post(
        f"/hooks/bbb/?checksum={checksum}", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200, response.content
    assert AttendanceEvent.objects.get().participation_id == participation.pk
    bad = Client().post(
        "/hooks/bbb/?checksum=" + "0" * 40, body, content_type="application/x-www-form-urlencoded"
    )
    assert bad.status_code == 403
    assert AttendanceEvent.objects.count() == 1


@pytest.mark.parametrize("name", ["jitsi-jwt", "zoom", "bbb", "janus", "jitsi"])
@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=300), auth=st.sampled_from(["", "Bearer x", "Basic eA=="]))
def test_garbage_never_500(name, body, auth):
    response = Client().post(
        f"/hooks/{name}/?checksum=abc",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert 400 <= response.status_code < 500


def test_malformed_verified_body_is_400(room):
    response = _post_json(
        "/hooks/jitsi-jwt/", b"{not json", HTTP_AUTHORIZATION=f"Bearer {EVENT_SYNC_SECRET}"
    )
    assert response.status_code == 400
    assert "malformed" in response.json()["error"]


def test_unknown_provider_and_get():
    assert Client().post("/hooks/skype/", b"{}", content_type="application/json").status_code == 404
    assert Client().get("/hooks/zoom/").status_code == 405


def test_presence_heartbeats(room):
    participation = factories.ParticipationFactory(programme=room.session.programme)
    link = services.personal_link(participation)
    url = f"/j/{link.token}/presence/{room.session_id}/"
    # Only a link that joined the session: our room page is reached by joining.
    assert Client().post(url, {"kind": "join", "device": "tab-1"}).status_code == 404
    assert not AttendanceEvent.objects.exists()
    Client().post(f"/j/{link.token}/join/{room.session_id}/", {"channel": ""})
    assert JoinRecord.objects.filter(link=link, session=room.session).exists()
    for kind in ("join", "heartbeat", "leave"):
        assert Client().post(url, {"kind": kind, "device": "tab-1"}).status_code == 200
    assert list(AttendanceEvent.objects.order_by("id").values_list("kind", "source")) == [
        ("join", "presence"),
        ("heartbeat", "presence"),
        ("leave", "presence"),
    ]
    assert Client().post(url, {"kind": "dance", "device": "x"}).status_code == 400
    other = factories.SessionFactory()
    assert (
        Client()
        .post(f"/j/{link.token}/presence/{other.pk}/", {"kind": "join", "device": "x"})
        .status_code
        == 404
    )
    assert Client().post("/j/nope/presence/1/", {"kind": "join", "device": "x"}).status_code == 404


def test_finished_rooms_end_and_final_attendance_is_fetched(room, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    participation = factories.ParticipationFactory(programme=room.session.programme)
    ended = []

    class Reporting(VideoProvider):
        name = "jitsi-jwt"

        def create_room(self, spec):
            return ProvisionedRoom(spec.key)

        def join_url(self, room, joiner, now):
            return "https://example.org/"

        def end_room(self, provisioned):
            ended.append(provisioned.provider_room_id)

        def final_attendance(self, provisioned):
            start = datetime(2021, 4, 15, 6, tzinfo=UTC)
            return [
                ProviderEvent(
                    provisioned.provider_room_id,
                    "join",
                    start,
                    str(participation.pk),
                    device="d",
                    event_id="r1",
                ),
                ProviderEvent(
                    provisioned.provider_room_id,
                    "leave",
                    start + timedelta(hours=1),
                    str(participation.pk),
                    device="d",
                    event_id="r2",
                ),
            ]

    monkeypatch.setitem(PROVIDERS, "jitsi-jwt", Reporting)
    assert services.end_finished_rooms() == 0  # not over yet
    later = room.session.end + timedelta(minutes=1)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.end_finished_rooms(now=later) == 3  # the floor and two channels
    room.refresh_from_db()
    assert room.status == Room.Status.ENDED
    assert room.attendance_fetched_at is not None
    assert room.provider_room_id in ended
    # Each room's report is its own: stored under the room's source.
    finals = AttendanceEvent.objects.filter(final=True, participation=participation)
    assert sorted(finals.values_list("source", flat=True).distinct()) == [
        "jitsi-jwt",
        "jitsi-jwt:en",
        "jitsi-jwt:ru",
    ]
    assert finals.count() == 6


def test_one_rooms_final_report_leaves_the_other_channels_live_attendance_alone(room):
    """With a room per channel, the floor's final report must not stand for the channel
    rooms: a judge who listened in Russian keeps their time until that room reports."""
    from seminarium.attendance.services import session_attendance

    session = room.session
    ru_room = Room.objects.get(session=session, channel="ru")
    floor_judge = factories.ParticipationFactory(programme=session.programme)
    ru_judge = factories.ParticipationFactory(programme=session.programme)
    start = session.start

    def occupant(room, judge, minutes_in, minutes_out):
        return ProviderEvent(
            room.provider_room_id, "join", start + timedelta(minutes=minutes_in), str(judge.pk)
        ), ProviderEvent(
            room.provider_room_id, "leave", start + timedelta(minutes=minutes_out), str(judge.pk)
        )

    services.record_webhook("jitsi-jwt", WebhookResult(events=occupant(ru_room, ru_judge, 0, 60)))
    services.record_webhook("jitsi-jwt", WebhookResult(events=occupant(room, floor_judge, 0, 50)))
    floor_report = tuple(  # as BBB's analytics callback brings it
        ProviderEvent(
            e.provider_room_id, e.kind, e.at, e.participant_ref, event_id=f"f{n}", final=True
        )
        for n, e in enumerate(occupant(room, floor_judge, 0, 45))
    )
    services.record_webhook("jitsi-jwt", WebhookResult(events=floor_report))
    assert session_attendance(session) == {floor_judge.pk: 45.0, ru_judge.pk: 60.0}


def test_the_sweep_makes_again_a_bbb_meeting_lost_in_a_restart(settings):
    import httpx

    from tests.contract import fake_bbb

    with fake_bbb.FakeBBB(secret=BBB_SECRET).running() as fake:
        settings.BBB_URL = fake.url
        settings.SITE_URL = "http://testserver"
        now = timezone.now()
        session = factories.SessionFactory(
            start=now - timedelta(minutes=5), end=now + timedelta(hours=1)
        )
        tomorrow = factories.SessionFactory(
            programme=session.programme,
            start=now + timedelta(days=1),
            end=now + timedelta(days=1, hours=1),
        )
        for each in (session, tomorrow):
            SessionVideo.objects.create(session=each, provider="bbb")
        participation = factories.ParticipationFactory(programme=session.programme)
        services.ensure_programme_rooms(session.programme)
        room = Room.objects.get(session=session, channel="")
        made = room.data["create_time"]
        assert services.renew_open_rooms() == 0  # still there: nothing changes
        fake.restart()
        creates = fake.calls.count("create")
        open_rooms = Room.objects.filter(session=session).count()  # floor and channels
        assert services.renew_open_rooms() == open_rooms
        assert fake.calls.count("create") == creates + open_rooms  # none for tomorrow's
        room.refresh_from_db()
        assert room.status == Room.Status.READY
        assert room.data["create_time"] != made
        link = services.personal_link(participation)
        response = Client().post(f"/j/{link.token}/join/{session.pk}/", {"channel": ""})
        assert httpx.get(response["Location"]).status_code == 302  # the new createTime fits

        # Lost again, and ended by its webhook while the sweep was asking: it stays ended.
        fake.restart()
        bbb_class = PROVIDERS["bbb"]

        class EndedMeanwhile(bbb_class):
            def create_room(self, spec):
                made = super().create_room(spec)
                Room.objects.filter(key=spec.key).update(status=Room.Status.ENDED)
                return made

        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(PROVIDERS, "bbb", EndedMeanwhile)
            assert services.renew_open_rooms() == 0
        room.refresh_from_db()
        assert room.status == Room.Status.ENDED
        assert not fake.meetings[room.provider_room_id].running  # the new one was ended


def test_bbb_end_to_end_against_the_contract_fake(settings, monkeypatch):
    """Rooms made at the fake BigBlueButton, our hook kept registered by the sweep, a join
    built at click time, and the fake's signed user-joined callback stored as attendance."""
    from urllib.parse import urlsplit

    import httpx

    from seminarium.conferencing.tasks import sweep
    from tests.contract import fake_bbb

    def deliver(url, *, headers, timeout, content=None, json=None):
        """The fake's callbacks go to our endpoint through the test client."""
        parts = urlsplit(url)
        response = Client().post(
            f"{parts.path}?{parts.query}",
            content if json is None else json,
            content_type=headers.get("Content-Type", "application/json"),
            HTTP_AUTHORIZATION=headers.get("Authorization", ""),
        )
        assert response.status_code == 200, response.content

    with fake_bbb.FakeBBB(secret=BBB_SECRET).running() as fake:
        settings.BBB_URL = fake.url
        settings.SITE_URL = "http://testserver"
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        now = timezone.now()
        session = factories.SessionFactory(
            start=now - timedelta(minutes=5),
            end=now + timedelta(hours=1),
            interpretation_languages=["ru"],
        )
        SessionVideo.objects.create(session=session, provider="bbb")
        participation = factories.ParticipationFactory(programme=session.programme)
        services.ensure_programme_rooms(session.programme)
        room = Room.objects.get(session=session, channel="ru")
        assert room.status == Room.Status.READY
        assert set(fake.meetings) == set(
            Room.objects.filter(session=session).values_list("provider_room_id", flat=True)
        )

        sweep.call()
        assert [h["callbackURL"] for h in fake.hooks.values()] == ["http://testserver/hooks/bbb/"]
        sweep.call()  # re-registering keeps one hook
        assert len(fake.hooks) == 1

        link = services.personal_link(participation)
        response = Client().post(f"/j/{link.token}/join/{session.pk}/", {"channel": "ru"})
        assert response.status_code == 302
        assert httpx.get(response["Location"]).status_code == 302  # the fake lets us in
        meeting = fake.meetings[room.provider_room_id]
        (internal_user,) = meeting.attendees
        assert meeting.attendees[internal_user]["external"] == str(participation.pk)

        monkeypatch.setattr(fake_bbb.httpx, "post", deliver)
        fake.user_event(
            room.provider_room_id, internal_user, "user-joined", ts=int(time.time() * 1000)
        )
        event = AttendanceEvent.objects.get()
        assert (event.source, event.kind, event.participation_id, event.final) == (
            "bbb:ru",  # the Russian channel's own room
            "join",
            participation.pk,
            False,
        )
        # The analytics callback is the final word, stored as final events.
        fake.analytics(
            room.provider_room_id,
            [
                {
                    "ext_user_id": str(participation.pk),
                    "name": "Judge",
                    "moderator": False,
                    "joins": ["2026-11-30T09:01:00.000+00:00"],
                    "leaves": ["2026-11-30T09:50:00.000+00:00"],
                    "duration": 2940,
                    "engagement": {},
                }
            ],
        )
    final = AttendanceEvent.objects.filter(final=True)
    assert sorted(final.values_list("kind", "participation_id")) == [
        ("join", participation.pk),
        ("leave", participation.pk),
    ]


def test_zoom_meetings_follow_the_interpreters_assigned_after_they_were_made(settings, monkeypatch):
    from django.test import TestCase

    from seminarium.programmes.models import Programme, SessionRole
    from tests.contract.fake_zoom import FakeZoom

    with FakeZoom().running() as fake:
        configured = services.provider_config
        monkeypatch.setattr(
            services,
            "provider_config",
            lambda name: {**configured(name), **(fake.config() if name == "zoom" else {})},
        )
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        now = timezone.now()
        session = factories.SessionFactory(
            start=now + timedelta(days=2),
            end=now + timedelta(days=2, hours=1),
            floor_language="zh-hans",
            interpretation_languages=["ru"],
        )
        Programme.objects.filter(pk=session.programme_id).update(status=Programme.Status.PUBLISHED)
        SessionVideo.objects.create(session=session, provider="zoom")
        services.ensure_programme_rooms(session.programme)
        room = Room.objects.get(session=session)
        meeting = fake.meetings[int(room.provider_room_id)]
        assert meeting["settings"]["language_interpretation"]["interpreters"] == []
        assert services.sync_interpreters(session.programme) == 0  # as made: nothing to send
        assert "PATCH" not in fake.requests

        with TestCase.captureOnCommitCallbacks(execute=True):
            role = factories.SessionRoleFactory(
                session=session,
                person=factories.PersonFactory(email="interpreter@example.org"),
                role=SessionRole.Role.INTERPRETER,
                channel="ru",
            )
        interpreters = meeting["settings"]["language_interpretation"]["interpreters"]
        assert [i["email"] for i in interpreters] == ["interpreter@example.org"]
        patches = fake.requests.count("PATCH")
        assert services.sync_interpreters(session.programme) == 0  # nothing new: no call
        assert fake.requests.count("PATCH") == patches

        # No longer an interpreter: Zoom loses them too.
        with TestCase.captureOnCommitCallbacks(execute=True):
            role.role = SessionRole.Role.SPEAKER
            role.channel = ""
            role.save()
        assert meeting["settings"]["language_interpretation"] == {
            "enable": False,
            "interpreters": [],
        }
        with TestCase.captureOnCommitCallbacks(execute=True):
            role.role, role.channel = SessionRole.Role.INTERPRETER, "ru"
            role.save()
        assert meeting["settings"]["language_interpretation"]["enable"] is True

        # An edit while a round is calling Zoom: the round sends again, so Zoom ends
        # with the latest assignment, not the one the round started with.
        zoom_class = PROVIDERS["zoom"]

        class EditedMeanwhile(zoom_class):
            def update_interpreters(self, room, interpreters):
                super().update_interpreters(room, interpreters)
                SessionRole.objects.filter(pk=role.pk).delete()  # the organiser, meanwhile

        monkeypatch.setitem(PROVIDERS, "zoom", EditedMeanwhile)
        SessionRole.objects.filter(pk=role.pk).update(person=factories.PersonFactory().pk)
        assert services.sync_interpreters(session.programme) == 1
        assert meeting["settings"]["language_interpretation"] == {
            "enable": False,
            "interpreters": [],
        }


def test_zoom_end_to_end_against_the_contract_fake(settings, monkeypatch):
    """A meeting with the interpreters assigned, registrants with personal URLs, the join
    redirect, a signed participant_joined webhook and the paged participants report."""
    from seminarium.conferencing.tasks import ensure_rooms
    from seminarium.programmes.models import SessionRole
    from tests.contract.fake_zoom import FakeZoom

    with FakeZoom().running() as fake:
        settings.ZOOM_WEBHOOK_SECRET = fake.webhook_secret
        configured = services.provider_config
        monkeypatch.setattr(
            services,
            "provider_config",
            lambda name: {**configured(name), **(fake.config() if name == "zoom" else {})},
        )
        now = timezone.now()
        session = factories.SessionFactory(
            start=now + timedelta(minutes=5),
            end=now + timedelta(hours=1),
            floor_language="zh-hans",
            interpretation_languages=["ru"],
        )
        factories.SessionRoleFactory(
            session=session,
            person=factories.PersonFactory(email="interpreter@example.org"),
            role=SessionRole.Role.INTERPRETER,
            channel="ru",
        )
        SessionVideo.objects.create(session=session, provider="zoom")
        participation = factories.ParticipationFactory(
            programme=session.programme, person=factories.PersonFactory(email="judge@example.kz")
        )
        ensure_rooms.call(session.programme_id)

        room = Room.objects.get(session=session)  # one meeting: Zoom interprets natively
        assert room.status == Room.Status.READY
        meeting = fake.meetings[int(room.provider_room_id)]
        interpreters = meeting["settings"]["language_interpretation"]["interpreters"]
        assert [i["email"] for i in interpreters] == ["interpreter@example.org"]
        registrant = ZoomRegistrant.objects.get(participation=participation)
        assert registrant.join_url.startswith(f"https://zoom.example/w/{meeting['id']}")

        link = services.personal_link(participation)
        response = Client().post(f"/j/{link.token}/join/{session.pk}/", {"channel": "ru"})
        assert response.status_code == 302
        assert response["Location"] == registrant.join_url
        assert registrant.join_url not in link.token

        headers, body = fake.signed(
            {
                "event": "meeting.participant_joined",
                "payload": {
                    "object": {
                        "id": str(meeting["id"]),
                        "participant": {
                            "participant_uuid": "p-1",
                            "registrant_id": registrant.registrant_id,
                            "join_time": "2026-11-29T15:00:00Z",
                        },
                    }
                },
            }
        )
        response = Client().post(
            "/hooks/zoom/",
            body,
            content_type="application/json",
            HTTP_X_ZM_REQUEST_TIMESTAMP=headers["x-zm-request-timestamp"],
            HTTP_X_ZM_SIGNATURE=headers["x-zm-signature"],
        )
        assert response.status_code == 200
        live = AttendanceEvent.objects.get()
        assert (live.participation_id, live.final) == (participation.pk, False)

        fake.report_rows[meeting["id"]] = [
            {
                "id": "u1",
                "user_id": f"u{n}",
                "name": "Judge",
                "user_email": "judge@example.kz",
                "registrant_id": registrant.registrant_id,
                "join_time": f"2026-11-29T15:{n:02d}:00Z",
                "leave_time": f"2026-11-29T15:{n:02d}:30Z",
                "duration": 30,
            }
            for n in range(40)
        ]
        fake.page_size_cap = 15  # the report comes in pages
        assert services.fetch_final_attendance(room) == 80
        final = AttendanceEvent.objects.filter(final=True)
        assert set(final.values_list("participation_id", flat=True)) == {participation.pk}
