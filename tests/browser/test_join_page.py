"""A participant opens their personal link, picks a channel and joins with the keyboard."""

from datetime import timedelta

from django.utils import timezone

from seminarium.conferencing import services
from seminarium.conferencing.models import JoinRecord
from tests import factories
from tests.janus_server import janus_server  # noqa: F401 - a fixture


def _open_session(transactional_db):
    now = timezone.now()
    programme = factories.ProgrammeFactory()
    session = factories.SessionFactory(
        programme=programme,
        start=now + timedelta(minutes=5),
        end=now + timedelta(hours=1),
        floor_language="zh-hans",
        interpretation_languages=["ru", "en"],
    )
    participation = factories.ParticipationFactory(
        programme=programme,
        person=factories.PersonFactory(preferred_language="en", home_timezone="Asia/Almaty"),
    )
    services.ensure_programme_rooms(programme)
    return session, services.personal_link(participation)


def test_keyboard_join_and_remembered_channel(page, live_server, transactional_db):
    session, link = _open_session(transactional_db)
    # No internet here: Jitsi's script is refused, and our page says so.
    page.route("**/external_api.js", lambda route: route.abort())
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/j/{link.token}/")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the join page must fit a phone's width"
    channel = page.get_by_label("Listen in")
    assert channel.count() == 1

    # Tab through the page until the channel picker, choose, then Tab on to the button.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == f"channel-{session.pk}":
            break
    else:
        raise AssertionError("the channel picker cannot be reached with Tab")
    channel.select_option("en")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Join" in focused
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("#video-room").count() == 1
    page.locator("#room-status").filter(has_text="could not be loaded").wait_for()
    assert JoinRecord.objects.get().channel == "en"

    page.goto(f"{live_server.url}/j/{link.token}/")
    assert page.get_by_label("Listen in").input_value() == "en"


def test_revoked_link_shows_nothing(page, live_server, transactional_db):
    session, link = _open_session(transactional_db)
    services.revoke_link(None, link.participation)
    response = page.goto(f"{live_server.url}/j/{link.token}/")
    assert response.status == 404
    assert "This link does not work" in page.content()
    assert str(session.title) not in page.content()


def test_janus_room_page_joins_a_real_janus_room(
    page,
    live_server,
    transactional_db,
    janus_server,  # noqa: F811 - the fixture
    settings,
):
    """Our room page loads the packaged janus.js and joins the VideoRoom; presence starts."""
    from seminarium.attendance.models import AttendanceEvent
    from seminarium.conferencing.models import Room, SessionVideo

    settings.JANUS_URL = janus_server.api_url
    settings.JANUS_TOKEN_SECRET = janus_server.token_secret
    settings.JANUS_ADMIN_KEY = janus_server.admin_key
    session, link = _open_session(transactional_db)
    SessionVideo.objects.create(session=session, provider="janus")
    services.ensure_programme_rooms(session.programme)
    assert set(Room.objects.filter(session=session).values_list("status", flat=True)) == {
        Room.Status.READY
    }
    page.goto(f"{live_server.url}/j/{link.token}/")
    page.get_by_label("Listen in").select_option("ru")
    # The page reports presence with its own request once in the room; wait for its answer.
    with page.expect_response(
        lambda answer: "/presence/" in answer.url, timeout=45_000
    ) as presence:
        with page.expect_navigation():
            page.get_by_role("button", name="Join").click()
        # A real Janus on two busy cores can take longer than Playwright's default 10 s.
        page.locator("#room-status").filter(has_text="You are in the room").wait_for(timeout=45_000)
    assert presence.value.ok
    event = AttendanceEvent.objects.get(source="presence")
    assert (event.kind, event.participation_id) == ("join", link.participation_id)
