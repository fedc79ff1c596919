"""An organiser finds the press-release drafts from the console and copies one."""

from playwright.sync_api import expect

from seminarium.core.signin import sign_in_url
from seminarium.programmes.demo import DEMO_SLUG
from seminarium.programmes.models import Programme
from tests import factories


def test_organiser_copies_the_english_draft(page, live_server, demo_users):
    programme = Programme.objects.get(slug=DEMO_SLUG)
    # An organiser without a person record: the page follows the browser's English.
    organiser = factories.ProgrammeRoleFactory(programme=programme).user
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    page.goto(
        sign_in_url(organiser, f"/console/programmes/{programme.pk}/", base_url=live_server.url)
    )
    page.get_by_role("link", name="Reports and exports").click()
    page.get_by_role("link", name="Press-release drafts in Chinese, Russian and English").click()

    english = page.get_by_label("Draft in English")
    assert (
        "27 judges from Kazakhstan, Russia, Tajikistan and Uzbekistan attended the seminar online"
        in english.input_value()
    )
    assert "杨万明" in page.get_by_label("Draft in Chinese").input_value()

    page.get_by_role("button", name="Copy the English draft").click()
    expect(page.locator("#copied-en")).to_have_text("Copied.")  # once the clipboard has it
    assert page.evaluate("navigator.clipboard.readText()") == english.input_value()
