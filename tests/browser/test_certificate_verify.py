"""Someone scans a certificate's QR code: valid, with the name; after a revocation, revoked."""

import re

import segno

from seminarium.certificates import services
from tests import factories
from tests.pdf import pdf_text
from tests.test_certificates_services import attend, participant


def test_verify_from_the_qr_url_then_see_the_revocation(
    page, live_server, transactional_db, settings
):
    settings.SITE_URL = live_server.url
    programme = factories.ProgrammeFactory()
    session = factories.SessionFactory(programme=programme)
    programme.refresh_from_db()
    judge = participant(programme)
    attend(judge, session, 90)
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    certificate = services.issue(organiser, judge)

    # The URL printed under the QR code is the one the code encodes.
    text = pdf_text(certificate.pdf)
    url = re.search(r"https?://\S+/verify/[0-9A-Z]{16}/", text).group(0)
    qr = services.template_context(certificate, [])["qr"]
    assert qr == segno.make(url, error="m").png_data_uri(scale=1, border=2)

    page.goto(url)
    assert page.locator("#verdict").inner_text() == "Valid"
    assert "Akhmezakirov Naili" in page.locator(".names").inner_text()
    assert "Ахмезакиров Наиль Рафисович" in page.locator(".names").inner_text()

    services.revoke(organiser, certificate, "Issued in error")
    page.reload()
    assert page.locator("#verdict").inner_text() == "Revoked"

    # Typing the code by hand, grouped and in lower case, finds the same certificate.
    page.goto(f"{live_server.url}/verify/")
    page.get_by_label("Certificate code").fill(certificate.grouped_code.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").click()
    assert page.url == url
    assert page.locator("#verdict").inner_text() == "Revoked"
