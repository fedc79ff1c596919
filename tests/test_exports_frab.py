"""The frab-compatible schedule: XML valid against the c3voc schema (read from the shared
folder, never copied into the project), JSON with the same content, ETag and CORS."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from seminarium.programmes.demo import DEMO_SLUG, load_demo
from seminarium.programmes.models import Programme
from seminarium.reporting import frab
from tests import factories
from tests.conftest import client_for

SCHEMA = Path(__file__).resolve().parents[1] / ".." / "shared" / "schemas" / "frab-schedule.xsd"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    if not SCHEMA.exists():
        pytest.skip(
            f"the c3voc schema is not at {SCHEMA} (the shared folder beside the repository)"
        )
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@pytest.fixture
def demo(db) -> Programme:
    load_demo()
    return Programme.objects.get(slug=DEMO_SLUG)


def _get(client, name: str, programme: Programme, **headers):
    return client.get(f"/p/{programme.slug}/schedule.{name}", **headers)


def _xml_events(root: etree._Element) -> list[dict]:
    return [
        {
            "guid": event.get("guid"),
            "id": int(event.get("id")),
            "day": int(day.get("index")),
            "room": room.get("name"),
            **{
                tag: event.findtext(tag) or ""
                for tag in (
                    "date",
                    "start",
                    "duration",
                    "title",
                    "slug",
                    "type",
                    "language",
                    "abstract",
                )
            },
            "persons": [p.text for p in event.find("persons")],
        }
        for day in root.iter("day")
        for room in day.iter("room")
        for event in room.iter("event")
    ]


def _json_events(document: dict) -> list[dict]:
    return [
        {
            "guid": event["guid"],
            "id": event["id"],
            "day": day["index"],
            "room": room,
            **{
                tag: event[tag]
                for tag in (
                    "date",
                    "start",
                    "duration",
                    "title",
                    "slug",
                    "type",
                    "language",
                    "abstract",
                )
            },
            "persons": [p["public_name"] for p in event["persons"]],
        }
        for day in document["schedule"]["conference"]["days"]
        for room, events in day["rooms"].items()
        for event in events
    ]


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_the_demo_schedule_is_valid_frab_xml(schema, demo, client, language):
    response = _get(client, "xml", demo, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    schema.assertValid(root)
    assert len(root.findall("day")) == 7
    assert len(_xml_events(root)) == demo.sessions.count()


def test_json_carries_the_same_content_as_xml(schema, demo, client):
    xml = etree.fromstring(_get(client, "xml", demo).content)
    response = _get(client, "json", demo)
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    conference = document["schedule"]["conference"]
    assert _json_events(document) == _xml_events(xml)
    assert conference["title"] == xml.findtext("conference/title")
    assert conference["acronym"] == xml.findtext("conference/acronym")
    assert conference["daysCount"] == int(xml.findtext("conference/days"))
    assert (
        conference["time_zone_name"] == xml.findtext("conference/time_zone_name") == "Asia/Shanghai"
    )
    assert document["schedule"]["version"] == xml.findtext("version")
    assert [d["day_start"] for d in conference["days"]] == [d.get("start") for d in xml.iter("day")]


def test_events_carry_local_times_and_people(demo, client):
    document = json.loads(_get(client, "json", demo).content)
    first_day = document["schedule"]["conference"]["days"][0]
    opening = next(iter(first_day["rooms"].values()))[0]
    assert opening["date"] == "2021-04-15T14:00:00+08:00"
    assert opening["start"] == "14:00" and opening["duration"] == "01:30"
    assert "Liu Xiaohong" in [p["public_name"] for p in opening["persons"]]
    # Nothing from the video provider leaks into the public schedule.
    assert "seminarium-" not in json.dumps(document)


def test_public_schedule_has_etag_cors_and_304(demo, client):
    for name in ("xml", "json"):
        response = _get(client, name, demo)
        assert response["Access-Control-Allow-Origin"] == "*"
        etag = response["ETag"]
        again = _get(client, name, demo, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert not again.content


def test_unpublished_schedules_are_404_to_the_public_and_private_to_organisers(db):
    programme = factories.ProgrammeFactory(status=Programme.Status.DRAFT)
    factories.SessionFactory(programme=programme)
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    outsider = factories.ProgrammeRoleFactory().user  # organiser of another programme
    for name in ("xml", "json"):
        assert _get(client_for(None), name, programme).status_code == 404
        assert _get(client_for(outsider), name, programme).status_code == 404
        response = _get(client_for(organiser), name, programme)
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response


def test_titles_that_look_like_markup_stay_text(schema, db, client):
    programme = factories.ProgrammeFactory(title={"en": "<b>A & B</b>"})
    factories.SessionFactory(
        programme=programme, title={"en": "</title><x>"}, room={"en": "Hall <1>"}
    )
    root = etree.fromstring(_get(client, "xml", programme).content)
    schema.assertValid(root)
    assert root.findtext("conference/title") == "<b>A & B</b>"
    assert _xml_events(root)[0]["title"] == "</title><x>"


# Any text a person can enter: every entry point refuses NUL, which PostgreSQL cannot store.
storable = st.characters(exclude_characters="\x00")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(storable, min_size=1, max_size=40),
    room=st.text(storable, max_size=20),
    name=st.text(storable, min_size=1, max_size=20),
)
def test_any_typed_text_gives_valid_xml_with_the_same_content_as_json(
    schema, db, title, room, name
):
    session = factories.SessionFactory(
        title={"en": title}, room={"en": room} if room else {}, description={"en": title}
    )
    factories.SessionRoleFactory(session=session, person__latin_family_name=name)
    programme = Programme.objects.get(pk=session.programme_id)
    document = frab.schedule(programme, "en")
    root = etree.fromstring(frab.to_xml(document))
    schema.assertValid(root)
    assert _xml_events(root) == _json_events(json.loads(json.dumps(document)))
