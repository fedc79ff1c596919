"""A reader switches language and zone on the public programme; a participant signs in by link."""

from seminarium.programmes.demo import DEMO_SLUG, sign_in_links
from seminarium.programmes.models import Session


def _opening_ceremony() -> Session:
    sessions = Session.objects.filter(programme__slug=DEMO_SLUG, kind=Session.Kind.CEREMONY)
    return next(s for s in sessions if s.title.localize("en") == "Opening Ceremony")


def test_reader_sees_programme_in_russian_and_almaty_time(page, live_server, demo_users):
    ceremony = _opening_ceremony()
    page.goto(f"{live_server.url}/p/{DEMO_SLUG}/")

    page.select_option("#pref-language", "ru")
    page.select_option("#pref-zone", "Asia/Almaty")
    with page.expect_navigation():
        page.click("form.prefs button[type=submit]")

    assert page.locator("html").get_attribute("lang") == "ru"
    # The switcher now names the chosen zone by its city, in Russian.
    assert "Алматы" in page.locator("#pref-zone option:checked").inner_text()

    session = page.locator(f"#session-{ceremony.pk}")
    assert session.locator("h3").inner_text() == ceremony.title.localize("ru")
    # 06:00 UTC on 15 April 2021: 12:00 in Almaty (UTC+6 then), 14:00 in Shanghai.
    assert session.locator(".when time").inner_text().startswith("12:00")
    assert "14:00" in session.locator(".when .also").inner_text()

    notice = page.locator("#zone-notice")
    assert "notice" in (notice.get_attribute("class") or "")
    notice_text = notice.inner_text()
    assert "Алматы (UTC+06:00)" in notice_text
    assert "Шанхай (UTC+08:00)" in notice_text


def test_participant_signs_in_by_link_and_can_join_a_session(page, live_server, demo_users):
    link = sign_in_links(demo_users, live_server.url)["participant"]
    page.goto(link)

    assert page.url == f"{live_server.url}/me/"
    join = page.locator("a.button.join")
    assert join.count() >= 1
    assert join.first.is_visible()
    # The portal leads to the personal join page, never straight to a provider.
    assert join.first.get_attribute("href").startswith("/j/")
    join.first.click()
    assert "/j/" in page.url
    assert page.locator("h1").first.is_visible()
