"""The demonstration seminar: faithful to the press release, idempotent, and usable."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from io import StringIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from seminarium.core.models import AuditEvent, Country
from seminarium.people.models import Organisation, Person
from seminarium.people.names import CYRILLIC, HAN, LATIN, script_of
from seminarium.programmes.demo import DEMO_SLUG, load_demo, sign_in_links
from seminarium.programmes.models import (
    Participation,
    Programme,
    ProgrammeRole,
    Session,
    SessionRole,
)
from tests.contract.http_sink import free_port

pytestmark = pytest.mark.django_db

MODELS = [
    get_user_model(),
    Country,
    Organisation,
    Person,
    Programme,
    ProgrammeRole,
    Session,
    SessionRole,
    Participation,
    AuditEvent,
]


def _programme() -> Programme:
    return Programme.objects.get(slug=DEMO_SLUG)


def _opening(programme: Programme) -> Session:
    return programme.sessions.get(title__contains="Opening Ceremony")


def _latin_names(roles) -> list[str]:
    return [role.person.latin_name for role in roles]


def test_loading_twice_changes_nothing():
    first = load_demo()
    counts = {model: model.objects.count() for model in MODELS}
    second = load_demo()
    assert {model: model.objects.count() for model in MODELS} == counts
    assert {role: user.pk for role, user in first.items()} == {
        role: user.pk for role, user in second.items()
    }
    assert Programme.objects.filter(slug=DEMO_SLUG).count() == 1


def test_programme_reproduces_the_release():
    load_demo()
    programme = _programme()
    assert programme.title.localize("en") == "SCO Judges Seminar"
    assert programme.host.short_name == "CNISCO"
    assert programme.funder.name.localize("en").startswith("Academy for International Business")
    assert (str(programme.start_date), str(programme.end_date)) == ("2021-04-15", "2021-04-21")
    assert programme.timezone == "Asia/Shanghai"
    assert programme.working_languages == ["zh-hans", "ru", "en"]
    assert programme.is_published
    assert set(Country.objects.values_list("code", flat=True)) >= {"CN", "KZ", "RU", "TJ", "UZ"}


def test_twenty_seven_fictional_judges_from_four_countries():
    load_demo()
    judges = Participation.objects.filter(
        programme=_programme(), kind=Participation.Kind.PARTICIPANT
    ).select_related("person__organisation")
    assert judges.count() == 27
    assert Counter(p.country_id for p in judges) == {"KZ": 7, "RU": 7, "TJ": 6, "UZ": 7}
    for participation in judges:
        person = participation.person
        assert person.is_fictional
        assert person.organisation.country_id == participation.country_id
        assert participation.status == Participation.Status.CONFIRMED
        assert script_of(person.latin_name) == LATIN
        assert script_of(person.display_name("ru")) == CYRILLIC
        person.full_clean()
    uzbek_native = [p.person.native_name for p in judges if p.country_id == "UZ"]
    assert all(script_of(name) == LATIN for name in uzbek_native)
    assert any("\u02bb" in name for name in uzbek_native)
    assert Participation.objects.filter(
        kind=Participation.Kind.LECTURER, person__is_fictional=True
    ).exists()
    assert (
        Participation.objects.filter(
            kind=Participation.Kind.INTERPRETER, person__is_fictional=True
        ).count()
        == 2
    )


def test_officials_are_real_and_carry_chinese_latin_and_russian_names():
    load_demo()
    officials = {p.latin_name: p for p in Person.objects.filter(is_fictional=False)}
    assert set(officials) == {
        "Yang Wanming",
        "Liu Xiaoyun",
        "Gao Xiaoli",
        "Mao Ronghua",
        "Hu Yunteng",
        "Sun Xiaoyong",
        "Lei Hao",
        "Liu Xiaohong",
        "Akhmezakirov Naili",
        "Momotov Viktor",
    }
    for person in officials.values():
        assert script_of(person.display_name("zh-hans")) == HAN
        assert script_of(person.display_name("en")) == LATIN
        assert script_of(person.display_name("ru")) == CYRILLIC
    assert officials["Liu Xiaohong"].native_name == "刘晓红"
    assert officials["Liu Xiaohong"].russian_name == "Лю Сяохун"
    assert officials["Akhmezakirov Naili"].native_name == "Ахмезакиров Наиль Рафисович"
    assert officials["Momotov Viktor"].native_name == "Момотов Виктор Викторович"


def test_opening_ceremony_follows_the_release():
    load_demo()
    opening = _opening(_programme())
    assert opening.kind == Session.Kind.CEREMONY
    shanghai = ZoneInfo("Asia/Shanghai")
    assert opening.start.astimezone(shanghai).strftime("%Y-%m-%d %H:%M") == "2021-04-15 14:00"
    assert opening.end.astimezone(shanghai).strftime("%H:%M") == "15:30"
    assert opening.floor_language == "zh-hans"
    assert opening.interpretation_languages == ["ru", "en"]
    roles = opening.roles.select_related("person").order_by("protocol_order", "id")

    host = roles.get(role=SessionRole.Role.HOST)
    assert host.person.latin_name == "Liu Xiaohong"
    guests = roles.filter(role=SessionRole.Role.GUEST)
    onsite = guests.filter(mode=SessionRole.Mode.ONSITE)
    assert _latin_names(onsite) == ["Yang Wanming", "Liu Xiaoyun", "Gao Xiaoli", "Mao Ronghua"]
    online = guests.filter(mode=SessionRole.Mode.ONLINE)
    assert _latin_names(online) == ["Hu Yunteng", "Sun Xiaoyong", "Lei Hao"]
    assert {role.location.localize("en") for role in online} == {"Beijing"}
    assert {role.location.localize("zh-hans") for role in online} == {"北京"}
    speakers = roles.filter(role=SessionRole.Role.SPEAKER)
    assert _latin_names(speakers) == [
        "Yang Wanming",
        "Liu Xiaoyun",
        "Lei Hao",
        "Akhmezakirov Naili",
        "Momotov Viktor",
    ]


def test_every_session_lies_within_the_programme_and_validates():
    load_demo()
    programme = _programme()
    zone = programme.zone
    sessions = list(programme.sessions.all())
    days = set()
    for session in sessions:
        session.full_clean()
        start, end = session.start.astimezone(zone), session.end.astimezone(zone)
        assert programme.start_date <= start.date() == end.date() <= programme.end_date
        days.add(start.date())
        for role in session.roles.all():
            role.full_clean()
    assert days == set(programme.days())
    lectures = [s for s in sessions if s.kind == Session.Kind.LECTURE]
    assert lectures
    for lecture in lectures:
        kinds = Counter(role.role for role in lecture.roles.all())
        assert kinds[SessionRole.Role.SPEAKER] >= 1
        assert kinds[SessionRole.Role.INTERPRETER] == 2


def test_tajik_and_uzbek_judges_speak_at_the_closing():
    load_demo()
    closing = _programme().sessions.filter(kind=Session.Kind.CEREMONY).order_by("start").last()
    assert closing.start.astimezone(ZoneInfo("Asia/Shanghai")).day == 21
    speakers = closing.roles.filter(role=SessionRole.Role.SPEAKER)
    countries = {
        Participation.objects.get(programme=closing.programme, person=role.person).country_id
        for role in speakers
    }
    assert countries == {"TJ", "UZ"}
    assert all(role.person.is_fictional for role in speakers)


def test_demo_users_and_their_rights():
    users = load_demo()
    programme = _programme()
    assert set(users) == {"organiser", "coordinator", "participant", "lecturer", "interpreter"}
    assert not any(user.has_usable_password() for user in users.values())
    assert ProgrammeRole.objects.filter(
        user=users["organiser"], programme=programme, role=ProgrammeRole.Role.ORGANISER
    ).exists()
    assert ProgrammeRole.objects.filter(
        user=users["coordinator"], role=ProgrammeRole.Role.COORDINATOR, country_id="KZ"
    ).exists()
    expected = {
        "participant": (Participation.Kind.PARTICIPANT, "KZ"),
        "lecturer": (Participation.Kind.LECTURER, "CN"),
        "interpreter": (Participation.Kind.INTERPRETER, "CN"),
    }
    for role, (kind, country) in expected.items():
        participation = Participation.objects.get(programme=programme, person__user=users[role])
        assert (participation.kind, participation.country_id) == (kind, country)


def _follow(link: str):
    """Open a sign-in link in a fresh browser; return the page it lands on."""
    parts = urlsplit(link)
    return Client().get(f"{parts.path}?{parts.query}", follow=True)


def test_sign_in_links_sign_people_in():
    users = load_demo()
    links = sign_in_links(users, "http://testserver")
    assert set(links) == set(users)

    response = _follow(links["participant"])
    assert response.redirect_chain[-1][0] == "/me/"
    assert response.status_code == 200
    assert response.wsgi_request.user == users["participant"]
    assert 'class="button join"' in response.content.decode()

    response = _follow(links["organiser"])
    assert response.redirect_chain[-1][0] == "/console/"
    assert response.status_code == 200

    for role in ("coordinator", "lecturer", "interpreter"):
        response = _follow(links[role])
        assert response.status_code == 200
        assert response.wsgi_request.user == users[role]


def test_a_tampered_link_signs_nobody_in():
    users = load_demo()
    link = sign_in_links(users, "http://testserver")["participant"]
    client = Client()
    parts = urlsplit(link.replace("token=", "token=x"))
    assert client.get(f"{parts.path}?{parts.query}").status_code == 403
    assert client.get("/me/").status_code == 302


def test_demo_command_prints_a_link_per_role(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    for label in ("Organiser", "Country coordinator", "Participant", "Lecturer", "Interpreter"):
        assert label in text
    assert text.count("http://127.0.0.1:8123/accounts/link/?token=") == 5
    assert f"http://127.0.0.1:8123/p/{DEMO_SLUG}/" in text
    assert Programme.objects.filter(slug=DEMO_SLUG).exists()


def test_audit_log_records_what_was_created():
    load_demo()
    programme = _programme()
    system = AuditEvent.objects.filter(actor__isnull=True, actor_label="system")
    created = Counter(system.filter(action="create").values_list("object_type", flat=True))
    assert created["people.person"] == Person.objects.count()
    assert created["people.organisation"] == Organisation.objects.count()
    assert created["programmes.programme"] == 1
    assert created["programmes.session"] == programme.sessions.count()
    assert created["programmes.sessionrole"] == SessionRole.objects.count()
    assert created["programmes.participation"] == programme.participations.count()
    assert created["programmes.programmerole"] == 2
    assert created["auth.user"] == 5
    assert system.filter(
        action="status", programme_id=programme.pk, after={"status": "published"}
    ).exists()
    assert system.filter(object_type="programmes.participation", country_code="KZ").count() == 7


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_demo_stopped_by_sigterm_stops_its_background_worker(tmp_path):
    """As `kill` or a process manager stops it: no worker may be left running alone."""
    port = free_port()
    env = {**os.environ, "SEMINARIUM_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # its own SQLite file, never the tests' database
    demo = subprocess.Popen(
        [sys.executable, "-m", "seminarium", "demo", "--addr", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("the demo did not start serving")
        workers = _children(demo.pid)
        assert len(workers) == 1 and _running(workers[0])
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=30) == 0
        deadline = time.monotonic() + 30
        while _running(workers[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(workers[0])
    finally:
        demo.kill()
        demo.wait()
        for worker in workers:  # a failed run leaves nothing behind either
            if _running(worker):
                os.kill(worker, signal.SIGKILL)
