"""The public programme page and feed: languages, zones, ceremonies and visibility."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from seminarium.programmes.models import Programme, Session, SessionRole
from tests import factories


@pytest.fixture
def ceremony(db):
    session = factories.SessionFactory(
        kind=Session.Kind.CEREMONY,
        title={"en": "Opening Ceremony", "ru": "Церемония открытия", "zh-hans": "开班仪式"},
        start=datetime(2021, 4, 15, 6, 0, tzinfo=UTC),
        end=datetime(2021, 4, 15, 7, 30, tzinfo=UTC),
    )
    people = {
        "host": factories.PersonFactory(
            family_name="刘",
            given_name="晓红",
            patronymic="",
            latin_family_name="Liu",
            latin_given_name="Xiaohong",
            russian_name="Лю Сяохун",
        ),
        "onsite": factories.PersonFactory(
            family_name="杨",
            given_name="万明",
            patronymic="",
            latin_family_name="Yang",
            latin_given_name="Wanming",
            russian_name="Ян Ваньмин",
        ),
        "online": factories.PersonFactory(
            family_name="胡",
            given_name="云腾",
            patronymic="",
            latin_family_name="Hu",
            latin_given_name="Yunteng",
            russian_name="Ху Юньтэн",
        ),
    }
    factories.SessionRoleFactory(
        session=session, person=people["host"], role=SessionRole.Role.HOST, protocol_order=1
    )
    factories.SessionRoleFactory(
        session=session,
        person=people["online"],
        role=SessionRole.Role.GUEST,
        mode=SessionRole.Mode.ONLINE,
        location={"en": "Beijing", "ru": "Пекин"},
        protocol_order=20,
    )
    factories.SessionRoleFactory(
        session=session, person=people["onsite"], role=SessionRole.Role.GUEST, protocol_order=10
    )
    return session


def test_programme_zone_by_default(client, ceremony):
    text = client.get(f"/p/{ceremony.programme.slug}/?lang=ru").content.decode()
    assert "14:00–15:30" in text and "Шанхай (UTC+08:00)" in text
    assert 'class="notice"' not in text


def test_english_reader_gets_cldr_twelve_hour_times(client, ceremony):
    text = client.get(f"/p/{ceremony.programme.slug}/?lang=en").content.decode()
    assert "2:00\u202fPM–3:30\u202fPM" in text and "Shanghai (UTC+08:00)" in text


def test_other_zone_gives_both_times_and_says_so(client, ceremony):
    response = client.get(f"/p/{ceremony.programme.slug}/?lang=ru&tz=Asia/Almaty")
    text = response.content.decode()
    assert response["Content-Language"] == "ru"
    assert "Церемония открытия" in text
    assert "12:00–13:30" in text  # Almaty, UTC+6 in April 2021
    assert "14:00–15:30" in text  # and the programme's own time
    assert "Алматы (UTC+06:00)" in text and "Шанхай (UTC+08:00)" in text


def test_ceremony_groups_guests_on_site_and_online_in_protocol_order(client, ceremony):
    text = client.get(f"/p/{ceremony.programme.slug}/?lang=ru").content.decode()
    onsite, online = text.index("Ян Ваньмин"), text.index("Ху Юньтэн")
    assert text.index("Лю Сяохун") < onsite < online
    assert "онлайн из Пекин" in text or "Пекин" in text[online:]


def test_chinese_reader_sees_chinese_names(client, ceremony):
    text = client.get(f"/p/{ceremony.programme.slug}/?lang=zh-hans").content.decode()
    assert "开班仪式" in text and "刘晓红" in text and "杨万明" in text


def test_switcher_choice_beats_query_parameters(client, ceremony):
    client.post("/preferences/", {"language": "zh-hans", "timezone": "Europe/Moscow", "next": "/"})
    text = client.get(f"/p/{ceremony.programme.slug}/?lang=en&tz=Asia/Almaty").content.decode()
    assert "开班仪式" in text and "09:00" in text


def test_accept_language_when_nothing_chosen(client, ceremony):
    response = client.get(f"/p/{ceremony.programme.slug}/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert "Церемония открытия" in response.content.decode()


def test_unknown_zone_or_language_falls_back_quietly(client, ceremony):
    response = client.get(f"/p/{ceremony.programme.slug}/?lang=xx&tz=Mars/Olympus")
    assert response.status_code == 200
    assert "2:00\u202fPM" in response.content.decode()  # English, programme zone


def test_preferences_refuse_open_redirects(client, db):
    response = client.post("/preferences/", {"language": "ru", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("status", [Programme.Status.DRAFT])
def test_unpublished_programme_is_not_found_for_the_public(client, db, status):
    programme = factories.ProgrammeFactory(status=status)
    assert client.get(f"/p/{programme.slug}/").status_code == 404
    assert client.get(f"/p/{programme.slug}/programme.ics").status_code == 404


def test_closed_programme_stays_visible_to_organisers_only(client, db):
    role = factories.ProgrammeRoleFactory(programme__status=Programme.Status.DRAFT)
    client.force_login(role.user)
    assert client.get(f"/p/{role.programme.slug}/").status_code == 200


def test_ical_feed_parses_back_with_utc_times_and_etag(client, ceremony):
    url = f"/p/{ceremony.programme.slug}/programme.ics?lang=en"
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Opening Ceremony"]
    assert events[0].decoded("dtstart") == datetime(2021, 4, 15, 6, 0, tzinfo=UTC)
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_home_lists_published_programmes_only(client, db):
    factories.ProgrammeFactory(title={"en": "Shown seminar"})
    factories.ProgrammeFactory(title={"en": "Hidden seminar"}, status=Programme.Status.DRAFT)
    text = client.get("/?lang=en").content.decode()
    assert "Shown seminar" in text and "Hidden seminar" not in text


def test_cached_page_follows_edits_to_sessions_and_people(client, ceremony):
    url = f"/p/{ceremony.programme.slug}/?lang=en"
    assert "Opening Ceremony" in client.get(url).content.decode()
    ceremony.title = {"en": "Solemn Opening"}
    ceremony.save()
    host = ceremony.roles.get(role=SessionRole.Role.HOST).person
    host.latin_given_name = "Xiao-hong"
    host.save()
    text = client.get(url).content.decode()
    assert "Solemn Opening" in text and "Liu Xiao-hong" in text
