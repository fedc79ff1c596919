"""Certificates: eligibility from real attendance events, decisions, the PDF and its QR code."""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
import segno
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from seminarium.attendance.services import IncomingEvent, record_events
from seminarium.certificates import services
from seminarium.certificates.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    grouped,
    normalise_code,
)
from seminarium.core.locales import date_range
from seminarium.core.models import AuditEvent
from tests import factories
from tests.pdf import pdf_text

NAMES = {
    "liu": {
        "family_name": "刘",
        "given_name": "晓红",
        "patronymic": "",
        "latin_family_name": "Liu",
        "latin_given_name": "Xiaohong",
        "chinese_name": "刘晓红",
        "russian_name": "Лю Сяохун",
    },
    "naili": {
        "family_name": "Ахмезакиров",
        "given_name": "Наиль",
        "patronymic": "Рафисович",
        "latin_family_name": "Akhmezakirov",
        "latin_given_name": "Naili",
        "chinese_name": "阿赫梅扎基罗夫·纳伊利",
        "russian_name": "Ахмезакиров Наиль Рафисович",
    },
}


def attend(participation, session, minutes: float) -> None:
    """Real ledger events: the participant's browser joined at the start and left later."""
    record_events(
        [
            IncomingEvent(
                session_id=session.pk,
                source="presence",
                kind=kind,
                at=at,
                participation_id=participation.pk,
                device="tab-1",
            )
            for kind, at in (
                ("join", session.start),
                ("leave", session.start + timedelta(minutes=minutes)),
            )
        ]
    )


def participant(programme, names="naili", country="KZ", confirmed=True, **extra):
    person = factories.PersonFactory(
        **{**NAMES[names], **extra}, names_confirmed_at=timezone.now() if confirmed else None
    )
    return factories.ParticipationFactory(
        programme=programme, person=person, country=factories.CountryFactory(code=country)
    )


@pytest.fixture
def seminar(db):
    programme = factories.ProgrammeFactory(
        funder=factories.OrganisationFactory(
            name={"en": "Ministry of Commerce", "ru": "Министерство коммерции", "zh-hans": "商务部"}
        ),
        funding_reference="MOFCOM-2021-17",
    )
    session = factories.SessionFactory(programme=programme)  # 90 minutes
    programme.refresh_from_db()  # translated fields as read from the database
    return programme, session


@pytest.fixture
def organiser(seminar):
    return factories.ProgrammeRoleFactory(programme=seminar[0]).user


def test_eligibility_follows_the_attendance_threshold(seminar):
    programme, session = seminar
    present = participant(programme)
    absent = participant(programme, names="liu", country="CN")
    attend(present, session, 80)  # 89 % of 90 minutes
    attend(absent, session, 60)  # 67 %
    rows = {row.participation.pk: row for row in services.candidates(programme)}
    assert rows[present.pk].eligible
    assert not rows[absent.pk].eligible
    assert rows[present.pk].attendance.attended_minutes == pytest.approx(80)


def test_issue_snapshots_what_the_certificate_states_and_is_audited(seminar, organiser):
    programme, session = seminar
    judge = participant(programme)
    attend(judge, session, 90)
    certificate = services.issue(organiser, judge)
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.attended_minutes == pytest.approx(90)
    # zh reader, ru reader, en reader; the native form is the Russian one already.
    assert certificate.names == [
        "阿赫梅扎基罗夫·纳伊利",
        "Ахмезакиров Наиль Рафисович",
        "Akhmezakirov Naili",
    ]
    assert certificate.dates == {
        lang: date_range(programme.start_date, programme.end_date, lang)
        for lang in ["zh-hans", "ru", "en"]
    }
    assert certificate.programme_title["ru"] == "Семинар для судей"
    assert services.issued_count(programme) == 1
    event = AuditEvent.objects.get(object_type="certificates.certificate", action="create")
    assert event.after["status"] == "issued"
    assert event.programme_id == programme.pk and event.country_code == "KZ"
    # Renaming the person later does not change the issued certificate.
    judge.person.russian_name = "Другое Имя"
    judge.person.save()
    certificate.refresh_from_db()
    assert "Другое Имя" not in certificate.names


def test_below_threshold_needs_a_reason_and_names_must_be_confirmed(seminar, organiser):
    programme, session = seminar
    judge = participant(programme)
    attend(judge, session, 30)
    with pytest.raises(ValidationError) as refused:
        services.issue(organiser, judge)
    assert refused.value.code == "below"
    assert not Certificate.objects.exists()
    assert services.issue(organiser, judge, reason="Excused by the host: court hearing")
    unconfirmed = participant(programme, names="liu", country="CN", confirmed=False)
    attend(unconfirmed, session, 90)
    with pytest.raises(ValidationError) as refused:
        services.issue(organiser, unconfirmed)
    assert refused.value.code == "names_unconfirmed"


def test_withhold_then_issue_and_revoke_then_reissue_with_a_new_code(seminar, organiser):
    programme, session = seminar
    judge = participant(programme)
    attend(judge, session, 90)
    with pytest.raises(ValidationError):
        services.withhold(organiser, judge, "  ")
    withheld = services.withhold(organiser, judge, "Plagiarised final paper")
    assert withheld.status == Certificate.Status.WITHHELD
    assert services.issued_count(programme) == 0
    issued = services.issue(organiser, judge)
    assert issued.pk == withheld.pk and issued.code != withheld.code
    with pytest.raises(ValidationError):
        services.issue(organiser, judge)
    with pytest.raises(ValidationError):
        services.withhold(organiser, judge, "too late")
    revoked = services.revoke(organiser, issued, "Name misspelt")
    assert revoked.status == Certificate.Status.REVOKED and revoked.revoked_at
    assert services.issued_count(programme) == 0
    again = services.issue(organiser, judge)
    assert again.code != revoked.code
    assert services.issued_count(programme) == 1
    actions = list(
        AuditEvent.objects.filter(object_type="certificates.certificate").values_list(
            "after__status", flat=True
        )
    )
    assert actions.count("issued") == 2 and "revoked" in actions and "withheld" in actions


def test_codes_have_80_bits_and_are_forgiving_when_typed():
    codes = {services.Certificate._meta.get_field("code").default() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** CODE_LENGTH >= 2**80
    code = next(iter(codes))
    assert normalise_code(grouped(code).lower()) == code
    assert normalise_code("o1il-") == "0111"


def test_pdf_has_chinese_cyrillic_and_latin_names_hours_code_and_funder(seminar, organiser):
    programme, session = seminar
    liu = participant(programme, names="liu", country="CN")
    naili = participant(programme)
    attend(liu, session, 90)
    attend(naili, session, 90)
    text = pdf_text(services.issue(organiser, liu).pdf)
    for expected in ["刘晓红", "Лю Сяохун", "Liu Xiaohong", "法官研修班", "Семинар для судей"]:
        assert expected in text
    certificate = services.issue(organiser, naili)
    text = pdf_text(certificate.pdf)
    for expected in [
        "阿赫梅扎基罗夫·纳伊利",
        "Ахмезакиров Наиль",
        "Akhmezakirov Naili",
        certificate.grouped_code,
        "1.5",  # hours attended
        "Ministry of Commerce",
        "商务部",
        "MOFCOM-2021-17",
    ]:
        assert expected in text, expected
    fonts = PdfReader(io.BytesIO(certificate.pdf)).pages[0]["/Resources"]["/Font"].values()
    assert any("CJK" in str(font.get_object()["/BaseFont"]) for font in fonts)


def test_qr_encodes_the_public_verification_url(seminar, organiser, settings):
    settings.SITE_URL = "https://seminars.example.org"
    programme, session = seminar
    judge = participant(programme)
    attend(judge, session, 90)
    certificate = services.issue(organiser, judge)
    url = services.verification_url(certificate.code)
    assert url == f"https://seminars.example.org/verify/{certificate.code}/"
    context = services.template_context(certificate, [])
    assert context["qr"] == segno.make(url, error="m").png_data_uri(scale=1, border=2)
    assert url in pdf_text(certificate.pdf)


def test_template_with_a_script_name_is_escaped_and_sandbox_refuses_attacks(seminar, organiser):
    programme, session = seminar
    judge = participant(
        programme,
        latin_family_name="<script>alert(1)</script>",
        russian_name="<b>Жирный</b>",
    )
    attend(judge, session, 90)
    # Escaped, the markup is printed as text; unescaped, it would vanish into elements.
    text = pdf_text(services.issue(organiser, judge).pdf)
    assert "<script>alert(1)</script>" in text
    assert "<b>Жирный</b>" in text
    for attack in [
        "{{ ''.__class__.__mro__ }}",
        "{{ names.__class__.__base__.__subclasses__() }}",
        "{% include '/etc/passwd' %}",
        "{% import 'settings.py' as s %}",
        "{% extends 'core/base.html' %}",
        "{% from '/etc/passwd' import x %}",
        "{{ 'x' * 100000000 }}",
        "{{ 'x'.ljust(100000000) }}",
        "{% for a in names %}{% for b in names %}{% for c in names %}{% endfor %}{% endfor %}"
        "{% endfor %}",
        "{{ range(10) }}",
        "{{ names|safe }}",
        "{% macro m() %}{{ m() }}{% endmacro %}",
    ]:
        with pytest.raises(ValidationError):
            services.save_template(organiser, programme, attack, "")
    assert not services.CertificateTemplate.objects.exists()


def test_pdf_fetches_no_files_or_urls_only_uploaded_images(seminar, organiser, tmp_path):
    from seminarium.certificates import sandbox

    secret = tmp_path / "secret.png"
    png = _png()
    secret.write_bytes(png)
    fetcher = sandbox.AssetFetcher({"seal": sandbox.Asset("image/png", png)})
    html = (
        f'<img src="file://{secret}"><img src="file:///etc/passwd">'
        '<img src="http://127.0.0.1:9/x.png"><img src="https://example.org/y.png">'
        '<img src="asset:seal"><img src="asset:missing"><img src="../../etc/passwd">'
        # A data: URI is allowed, but what an SVG inside it links to is fetched the same way.
        '<img src="data:image/svg+xml,' + quote(NESTED_SVG) + '">'
    )
    css = "@import url(file:///etc/passwd); body { background: url(http://127.0.0.1:9/bg) }"
    pdf = sandbox.html_to_pdf(html, css, fetcher)
    assert pdf.startswith(b"%PDF")
    refused = " ".join(fetcher.refused)
    for url in [
        str(secret),
        "/etc/passwd",
        "127.0.0.1:9/x.png",
        "example.org",
        "asset:missing",
        "file:///etc/hostname",
        "127.0.0.1:9/nested.png",
    ]:
        assert url in refused
    assert "asset:seal" not in fetcher.refused
    images = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/XObject"]
    assert len(images) == 1  # only the uploaded seal


NESTED_SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
    "<image href='file:///etc/hostname' width='5' height='5'/>"
    "<image href='http://127.0.0.1:9/nested.png' width='5' height='5'/></svg>"
)


def _png(size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_images_are_checked_by_content_and_size(seminar, organiser):
    programme, _session = seminar
    asset = services.save_asset(organiser, programme, "seal", _png())
    assert (asset.content_type, asset.width, asset.height) == ("image/png", 40, 30)
    for bad in [
        b"<svg onload=alert(1)>",
        b"GIF89a" + b"\0" * 100,
        b"%PDF-1.4",
        _png()[:60],  # truncated
        b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 1),
    ]:
        with pytest.raises(ValidationError):
            services.save_asset(organiser, programme, "logo", bad)
    with pytest.raises(ValidationError):
        services.save_asset(organiser, programme, "huge", _png(size=(5000, 5000)))
    assert list(programme.certificate_assets.values_list("name", flat=True)) == ["seal"]


def test_custom_template_and_image_are_used(seminar, organiser):
    programme, session = seminar
    services.save_asset(organiser, programme, "seal", _png())
    services.save_template(
        organiser,
        programme,
        '<h1>{{ sections[0].name }} · {{ code }}</h1><img src="{{ assets.seal }}">',
        "h1 { font-family: 'Noto Sans CJK SC'; }",
    )
    judge = participant(programme, names="liu", country="CN")
    attend(judge, session, 90)
    certificate = services.issue(organiser, judge)
    assert f"刘晓红 · {certificate.grouped_code}" in pdf_text(certificate.pdf)
    assert len(PdfReader(io.BytesIO(certificate.pdf)).pages[0]["/Resources"]["/XObject"]) == 1


def test_data_rights_export_and_erasure_cover_certificates(seminar, organiser):
    from seminarium.people.data_rights import erase_person, export_person

    programme, session = seminar
    judge = participant(programme)
    attend(judge, session, 90)
    certificate = services.issue(organiser, judge)

    exported = export_person(organiser, judge.person, programme_id=programme.pk)
    assert [c["code"] for c in exported["certificates"]] == [certificate.code]
    assert exported["certificates"][0]["names"] == certificate.names

    erase_person(organiser, judge.person, "Request of the data subject")
    certificate.refresh_from_db()
    # Still verifiable by its code, but as revoked and without the holder's names.
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.names == [] and bytes(certificate.pdf) == b""
    assert services.issued_count(programme) == 0
