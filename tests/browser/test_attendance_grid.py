"""The organiser's attendance grid at phone width, and an excuse recorded with the keyboard."""

from seminarium.attendance import demo as attendance_demo
from seminarium.attendance.models import ExcusedAbsence
from seminarium.core.signin import sign_in_url
from seminarium.programmes.demo import DEMO_SLUG
from seminarium.programmes.models import Programme


def test_grid_fits_a_phone_and_an_excuse_is_keyboard_made(page, live_server, demo_users):
    programme = Programme.objects.get(slug=DEMO_SLUG)
    attendance_demo.load_demo(programme)
    page.set_viewport_size({"width": 375, "height": 800})
    url = f"/console/programmes/{programme.pk}/attendance/?lang=en"
    page.goto(sign_in_url(demo_users["organiser"], url, base_url=live_server.url))
    page.get_by_role("heading", name="Attendance", exact=True).wait_for()
    # The grid scrolls inside its wrapper; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.goto(f"{live_server.url}/console/programmes/{programme.pk}/attendance/excused/?lang=en")
    page.get_by_label("Participant").focus()
    page.keyboard.press("ArrowDown")
    page.get_by_label("Session").focus()
    page.keyboard.press("ArrowDown")
    page.get_by_label("Reason").fill("Attended on site")
    page.get_by_label("Reason").press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("The absence is excused.").wait_for()
    assert ExcusedAbsence.objects.filter(reason="Attended on site").exists()
