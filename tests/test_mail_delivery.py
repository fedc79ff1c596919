"""E-mail through a real SMTP server (aiosmtpd): recipients, languages, personal links,
escaping, failures with backoff, retries, and the database task worker."""

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from seminarium.core import mail
from seminarium.core.models import OutboxMessage
from seminarium.nominations import services
from seminarium.nominations.models import Nomination
from seminarium.programmes.models import Programme, ProgrammeRole
from tests import factories
from tests.conftest import client_for
from tests.contract.http_sink import free_port

INJECTION = "<script>alert(1)</script>{{ secret }}{% debug %}"


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses every recipient."""

    def __init__(self):
        self.received: list[EmailMessage] = []
        self.refusing = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> EmailMessage:
        [message] = [m for m in self.received if m["To"] == address]
        return message


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    inbox.controller = controller
    yield inbox
    if controller._thread is not None:
        controller.stop()


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def _link_in(text: str) -> str:
    return re.search(r"https?://\S+", text).group(0)


def _open_call(programme, coordinator_language: str = "zh-hans"):
    # As a page would have it: loaded, so that its title is multilingual, not a plain dict.
    programme = Programme.objects.get(pk=programme.pk)
    role = factories.ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.COORDINATOR,
        country=factories.CountryFactory(code="KZ"),
        user__email="coordinator@court.kz",
    )
    factories.PersonFactory(user=role.user, preferred_language=coordinator_language)
    return services.open_call(
        None, programme, deadline=datetime.now(UTC) + timedelta(days=7), quotas={"KZ": 2}
    )


@pytest.mark.django_db
def test_the_call_reaches_the_coordinator_in_chinese(smtp, programme):
    _open_call(programme)
    assert mail.deliver_due() == 1
    message = smtp.to("coordinator@court.kz")
    assert message["Content-Language"] == "zh-hans"
    assert "法官研修班" in message["Subject"]
    text, _html = _parts(message)
    assert "法官研修班" in text and "Judges Seminar" not in text
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_the_invitation_is_russian_escaped_and_its_link_signs_the_judge_in(smtp, programme):
    call = _open_call(programme)
    judge = factories.PersonFactory.build(
        family_name=INJECTION,
        given_name="",
        patronymic="",
        latin_family_name="",
        latin_given_name="",
        email="judge@court.kz",
        preferred_language="ru",
        organisation=None,
    )
    nomination = services.nominate(None, call, "KZ", judge)
    services.decide(None, nomination, Nomination.Status.APPROVED, "")
    assert mail.deliver_due() == 2
    message = smtp.to("judge@court.kz")
    assert message["Content-Language"] == "ru"
    assert "Семинар для судей" in message["Subject"]
    text, html = _parts(message)
    assert "Семинар для судей" in text
    # The name is data, never a template: literal in the text, escaped in HTML.
    assert INJECTION in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ secret }}{% debug %}" in html
    assert "<script>" not in html
    # The personal link works, and only in the message: the outbox preview hides it.
    link = _link_in(text)
    assert link not in OutboxMessage.objects.get(to="judge@court.kz").preview
    address = urlsplit(link)
    client = client_for(None)
    response = client.get(f"{address.path}?{address.query}")
    assert response.status_code == 302
    assert response["Location"].startswith("/me/confirm/")
    nomination.refresh_from_db()
    assert client.session["_auth_user_id"] == str(nomination.person.user_id)


def _queue_one() -> OutboxMessage:
    return mail.queue(
        to="judge@court.kz",
        template="nominations/email/invitation",
        context={
            "programme": Programme.objects.get(pk=factories.ProgrammeFactory().pk),
            "person": factories.PersonFactory.build(),
            "promoted": False,
        },
        language="ru",
        purpose="invitation",
        personal_link="https://example.org/link",
    )


@pytest.mark.django_db
def test_a_stopped_server_leaves_the_message_queued_and_backs_off(smtp):
    message = _queue_one()
    smtp.controller.stop()
    before = timezone.now()
    assert mail.deliver_due() == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    assert message.next_attempt_at >= before + timedelta(minutes=2) - timedelta(seconds=1)
    # Not due yet: nothing is tried again early.
    assert mail.deliver_due() == 0
    message.refresh_from_db()
    assert message.attempts == 1


@pytest.mark.django_db
def test_refused_every_time_it_fails_after_max_attempts_and_a_retry_sends_it(smtp):
    message = _queue_one()
    smtp.refusing = True
    backoffs = []
    for attempt in range(1, mail.MAX_ATTEMPTS + 1):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        started = timezone.now()
        mail.deliver_due()
        message.refresh_from_db()
        assert message.attempts == attempt
        assert "Mailbox unavailable" in message.last_error
        backoffs.append(message.next_attempt_at - started)
    assert message.status == OutboxMessage.Status.FAILED
    # Each wait is longer than the one before.
    assert backoffs[0] < backoffs[1] < backoffs[2]
    smtp.refusing = False
    mail.retry(message)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert mail.deliver_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.last_error == ""
    assert smtp.to("judge@court.kz")["Subject"]


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers_what_a_committed_transaction_queued(smtp, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        message = _queue_one()
    assert smtp.received == []  # queued, not sent by the request itself
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert smtp.to("judge@court.kz")["Content-Language"] == "ru"
