"""Certificate pages: who may see what, public verification, rate limits and ZIP batches."""

import io
import re
import time
import zipfile
from html import unescape

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from seminarium.certificates import services
from seminarium.certificates.models import Certificate, CertificateBatch
from seminarium.programmes.models import ProgrammeRole
from tests import factories
from tests.conftest import client_for
from tests.pdf import pdf_text
from tests.test_certificates_services import attend, participant

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def world(db, settings):
    """Two programmes; in the first, a Kazakh and a Chinese judge with certificates."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    programme = factories.ProgrammeFactory()
    other = factories.ProgrammeFactory()
    session = factories.SessionFactory(programme=programme)
    programme.refresh_from_db()
    kz_user, cn_user = factories.UserFactory(), factories.UserFactory()
    kz = participant(programme, user=kz_user)
    cn = participant(programme, names="liu", country="CN", user=cn_user)
    attend(kz, session, 90)
    attend(cn, session, 90)
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    kz_certificate = services.issue(organiser, kz)
    cn_certificate = services.issue(organiser, cn)
    users = {
        "anonymous": None,
        "organiser": organiser,
        "admin": factories.UserFactory(is_superuser=True),
        "other organiser": factories.ProgrammeRoleFactory(programme=other).user,
        "kz coordinator": factories.ProgrammeRoleFactory(
            programme=programme,
            role=ProgrammeRole.Role.COORDINATOR,
            country=factories.CountryFactory(code="KZ"),
        ).user,
        "cn coordinator of other": factories.ProgrammeRoleFactory(
            programme=other,
            role=ProgrammeRole.Role.COORDINATOR,
            country=factories.CountryFactory(code="CN"),
        ).user,
        "kz participant": kz_user,
        "participant of other": factories.ParticipationFactory(
            programme=other, person=factories.PersonFactory(user=factories.UserFactory())
        ).person.user,
    }
    return {
        "programme": programme,
        "other": other,
        "kz": kz,
        "cn": cn,
        "kz_certificate": kz_certificate,
        "cn_certificate": cn_certificate,
        "users": users,
    }


def _get(world, who: str, url: str) -> int:
    return client_for(world["users"][who]).get(url).status_code


def test_console_pages_only_for_the_programmes_organisers(world):
    programme, kz = world["programme"], world["kz"]
    urls = [
        reverse("certificates:list", args=[programme.pk]),
        reverse("certificates:template", args=[programme.pk]),
        reverse("certificates:withhold", args=[programme.pk, kz.pk]),
        reverse("certificates:revoke", args=[programme.pk, kz.pk]),
    ]
    expected = {
        "organiser": 200,
        "admin": 200,
        "other organiser": 404,
        "kz coordinator": 403,
        "cn coordinator of other": 403,
        "kz participant": 403,
        "participant of other": 403,
    }
    for url in urls:
        assert _get(world, "anonymous", url) == 302, url
        for who, status in expected.items():
            assert _get(world, who, url) == status, (who, url)


def test_pdf_downloads_by_role_and_scope(world):
    kz_pdf = reverse("certificates:download", args=[world["kz_certificate"].code])
    cn_pdf = reverse("certificates:download", args=[world["cn_certificate"].code])
    expected = {
        "organiser": (200, 200),
        "admin": (200, 200),
        "other organiser": (404, 404),
        "kz coordinator": (200, 404),
        "cn coordinator of other": (404, 404),
        "kz participant": (200, 404),
        "participant of other": (404, 404),
    }
    assert _get(world, "anonymous", kz_pdf) == 302
    for who, (kz_status, cn_status) in expected.items():
        assert (_get(world, who, kz_pdf), _get(world, who, cn_pdf)) == (kz_status, cn_status), who
    response = client_for(world["users"]["kz participant"]).get(kz_pdf)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Akhmezakirov Naili" in text


def test_participant_sees_own_certificates_only(world):
    page = client_for(world["users"]["kz participant"]).get(reverse("certificates:mine"))
    assert page.status_code == 200
    content = page.content.decode()
    assert world["kz_certificate"].code in content
    assert world["cn_certificate"].code not in content
    assert page["Cache-Control"] and "no-store" in page["Cache-Control"]


def test_organiser_issues_withholds_and_revokes_through_the_pages(world):
    programme, kz = world["programme"], world["kz"]
    organiser = client_for(world["users"]["organiser"])
    listing = organiser.get(reverse("certificates:list", args=[programme.pk])).content.decode()
    assert world["kz_certificate"].code in listing
    url = reverse("certificates:revoke", args=[programme.pk, kz.pk])
    assert organiser.post(url, {"reason": ""}).status_code == 200  # reason required
    assert organiser.post(url, {"reason": "Name misspelt"}).status_code == 302
    world["kz_certificate"].refresh_from_db()
    assert world["kz_certificate"].status == Certificate.Status.REVOKED
    response = organiser.post(reverse("certificates:issue", args=[programme.pk, kz.pk]), {})
    assert response.status_code == 302, response.content.decode()
    assert Certificate.objects.filter(participation=kz, status="issued").count() == 1
    # An organiser of another programme cannot touch this one's certificates.
    other = client_for(world["users"]["other organiser"])
    assert other.post(url, {"reason": "x"}).status_code == 404
    assert Certificate.objects.filter(participation=kz, status="issued").count() == 1


def test_nav_link_on_programme_console_pages(world):
    page = client_for(world["users"]["organiser"]).get(
        reverse("console:programme", args=[world["programme"].pk])
    )
    assert reverse("certificates:list", args=[world["programme"].pk]) in page.content.decode()


# Public verification --------------------------------------------------------------------


def test_verification_shows_only_what_the_certificate_states(world, settings):
    certificate = world["kz_certificate"]
    page = Client().get(reverse("certificates:verify_code", args=[certificate.code]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Valid" in content
    for name in certificate.names:
        assert name in content
    assert "Judges Seminar" in content and certificate.grouped_code in content
    person = world["kz"].person
    # The random code may contain "KZ" by chance: look for the country elsewhere.
    rest = content.replace(certificate.code, "").replace(certificate.grouped_code, "")
    for private in [person.email, str(person.position), "KZ", "Kazakhstan", "minutes"]:
        assert private not in rest, private
    assert f"max-age={settings.CERTIFICATE_VERIFY_MAX_AGE}" in page["Cache-Control"]
    assert "public" in page["Cache-Control"]


def test_revoked_certificates_say_so_and_the_code_form_normalises(world):
    certificate = world["kz_certificate"]
    services.revoke(world["users"]["organiser"], certificate, "Name misspelt")
    typed = certificate.grouped_code.lower()
    response = Client().get(reverse("certificates:verify"), {"code": typed})
    assert response.status_code == 302
    page = Client().get(response["Location"])
    assert "Revoked" in page.content.decode() and "Valid" not in page.content.decode()
    # The reason is the organisers' business, not the public's.
    assert "misspelt" not in page.content.decode()


def test_unknown_withheld_and_malformed_codes_look_alike(world):
    withheld = services.withhold(
        world["users"]["organiser"],
        participant(world["programme"], names="liu", country="UZ"),
        "Did not attend",
    )
    unknown = "0" * 16
    pages = [
        Client().get(reverse("certificates:verify_code", args=[code]))
        for code in (unknown, withheld.code)
    ]
    assert [p.status_code for p in pages] == [404, 404]
    bodies = [
        CSRF_TOKEN.sub("", p.content.decode().replace(code, ""))
        for p, code in zip(pages, (unknown, withheld.code), strict=True)
    ]
    assert bodies[0] == bodies[1]
    assert Client().get(reverse("certificates:verify"), {"code": "abc"}).status_code == 200


def test_verification_is_rate_limited_per_address_with_a_translated_page(world, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 3
    url = reverse("certificates:verify_code", args=[world["kz_certificate"].code])
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 429
    assert '<html lang="ru"' in refused.content.decode()
    assert refused["Retry-After"] == str(settings.CERTIFICATE_VERIFY_WINDOW)
    assert "no-store" in refused["Cache-Control"]
    # Another address is not affected.
    assert Client(REMOTE_ADDR="203.0.113.8").get(url).status_code == 200


def test_guessing_is_no_faster_for_existing_codes(world):
    """Found and not-found are one indexed look-up each: no timing gap worth measuring."""
    client = Client()
    code = world["kz_certificate"].code

    def timed(c: str) -> float:
        cache.clear()
        start = time.perf_counter()
        client.get(reverse("certificates:verify_code", args=[c]))
        return time.perf_counter() - start

    found = min(timed(code) for _ in range(5))
    missing = min(timed("Z" * 16) for _ in range(5))
    assert abs(found - missing) < 0.05


# ZIP batches --------------------------------------------------------------------------------


def _zip_names(client: Client, batch: CertificateBatch) -> list[str]:
    response = client.get(reverse("certificates:batch_download", args=[batch.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return sorted(archive.namelist())


def test_organiser_zip_of_all_and_coordinator_zip_of_own_country(
    world, django_capture_on_commit_callbacks
):
    programme = world["programme"]
    organiser = client_for(world["users"]["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser.post(reverse("certificates:batch_request", args=[programme.pk]), {})
    batch = CertificateBatch.objects.get(country__isnull=True)
    assert response["Location"] == reverse("certificates:batch", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == CertificateBatch.Status.DONE and batch.done == batch.total == 2
    names = _zip_names(organiser, batch)
    assert [n[:3] for n in names] == ["CN-", "KZ-"]
    listing = organiser.get(reverse("certificates:list", args=[programme.pk]))
    assert reverse("certificates:batch", args=[batch.pk]) in listing.content.decode()

    coordinator = client_for(world["users"]["kz coordinator"])
    country_page = reverse("certificates:country", args=[programme.slug])
    assert world["cn_certificate"].code not in coordinator.get(country_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(country_page)
    kz_batch = CertificateBatch.objects.get(country_id="KZ")
    assert str(kz_batch.pk) in coordinator.get(country_page).content.decode()
    assert [n[:3] for n in _zip_names(coordinator, kz_batch)] == ["KZ-"]
    # Progress page polls with HTMX until done; coordinators cannot open others' batches.
    progress = coordinator.get(reverse("certificates:batch", args=[kz_batch.pk]))
    assert "Download the ZIP" in progress.content.decode()
    for who in ["kz coordinator", "other organiser", "kz participant", "cn coordinator of other"]:
        client = client_for(world["users"][who])
        assert client.get(reverse("certificates:batch", args=[batch.pk])).status_code == 404
        assert (
            client.get(reverse("certificates:batch_download", args=[batch.pk])).status_code == 404
        )
    for who in ["other organiser", "cn coordinator of other", "kz participant"]:
        assert _get(world, who, country_page) == 404, who


def test_batch_can_issue_everyone_eligible_first(world, django_capture_on_commit_callbacks):
    programme = world["programme"]
    session = programme.sessions.get()
    newcomer = participant(programme, names="liu", country="TJ")
    attend(newcomer, session, 90)
    below = participant(programme, names="liu", country="UZ")
    attend(below, session, 10)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_batch(world["users"]["organiser"], programme, issue_eligible=True)
    batch = CertificateBatch.objects.get()
    assert batch.status == CertificateBatch.Status.DONE
    assert Certificate.objects.filter(participation=newcomer, status="issued").exists()
    assert not Certificate.objects.filter(participation=below).exists()
    assert services.issued_count(programme) == 3
    assert batch.total == 4  # one issued + three zipped


def test_command_line_zip_of_one_country(world, tmp_path):
    from django.core.management import call_command

    output = tmp_path / "kz.zip"
    call_command("certificates_zip", world["programme"].slug, str(output), country="kz")
    names = zipfile.ZipFile(output).namelist()
    assert [n[:3] for n in names] == ["KZ-"]
    assert CertificateBatch.objects.get().status == CertificateBatch.Status.DONE


def test_demo_issues_to_the_eligible_and_withholds_the_rest(db):
    from seminarium.attendance.demo import load_demo as load_attendance
    from seminarium.certificates.demo import load_demo
    from seminarium.programmes.demo import DEMO_SLUG
    from seminarium.programmes.demo import load_demo as load_programme
    from seminarium.programmes.models import Programme

    load_programme()
    programme = Programme.objects.get(slug=DEMO_SLUG)
    load_attendance(programme)
    load_demo(programme)
    rows = services.candidates(programme)
    statuses = {(row.eligible, row.certificate.status) for row in rows if row.certificate}
    assert statuses <= {(True, "issued"), (False, "withheld")}
    assert services.issued_count(programme) >= 20
    codes = set(Certificate.objects.values_list("code", flat=True))
    load_demo(programme)
    assert set(Certificate.objects.values_list("code", flat=True)) == codes


def test_template_page_previews_saves_refuses_and_uploads(world):
    programme = world["programme"]
    organiser = client_for(world["users"]["organiser"])
    url = reverse("certificates:template", args=[programme.pk])
    html, css = services.default_template()
    page = unescape(organiser.get(url).content.decode())
    assert html in page and css in page
    preview = organiser.post(url, {"html": "<p>{{ sections[0].name }}</p>", "preview": "1"})
    assert "奥布拉兹佐娃·安娜" in pdf_text(preview.content)
    refused = organiser.post(url, {"html": "{% include '/etc/passwd' %}", "save": "1"})
    assert refused.status_code == 200
    assert "may not include" in refused.content.decode()
    assert not services.CertificateTemplate.objects.exists()
    assert organiser.post(url, {"html": "<p>{{ code }}</p>", "css": ""}).status_code == 302
    assert services.template_of(programme) == ("<p>{{ code }}</p>", "")

    upload = reverse("certificates:asset_upload", args=[programme.pk])
    fake = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
    fake.name = "seal.png"
    page = organiser.post(upload, {"name": "seal", "image": fake}, follow=True)
    assert "not a PNG or JPEG" in page.content.decode()
    assert not programme.certificate_assets.exists()
    # Organisers of other programmes cannot upload here.
    other = client_for(world["users"]["other organiser"])
    assert other.post(upload, {"name": "seal", "image": fake}).status_code == 404
