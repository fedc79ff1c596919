"""E-mail through the outbox: rendered in the recipient's language, sent by a task,
retried with backoff, and reviewable by organisers.

Templates are files, and everything a user supplied reaches them as context
variables, escaped in HTML: no user text is ever treated as a template.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
LINK_PLACEHOLDER = "[personal link]"


def _render(template: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return " ".join(subject.split()), text, html


def queue(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    purpose: str,
    programme_id: int | None = None,
    country_code: str = "",
    personal_link: str = "",
) -> OutboxMessage:
    """Render ``template`` (``…_subject.txt``, ``….txt``, ``….html``) and queue it.

    ``personal_link`` goes into the context as ``link``; the organisers' preview
    shows a placeholder instead.
    """
    from .tasks import deliver_outbox, enqueue_after_commit

    subject, text, html = _render(template, {**context, "link": personal_link}, language)
    _, preview, _ = _render(template, {**context, "link": LINK_PLACEHOLDER}, language)
    message = OutboxMessage.objects.create(
        to=to,
        language=language,
        purpose=purpose,
        subject=subject,
        text_body=text,
        html_body=html,
        preview=preview,
        programme_id=programme_id,
        country_code=country_code,
    )
    enqueue_after_commit(deliver_outbox)
    return message


def _send(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Content-Language": message.language},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    email.send()


def deliver_due(limit: int = 200) -> int:
    """Send due messages one by one; returns how many went."""
    sent = 0
    now = timezone.now()
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now
    ).values_list("pk", flat=True)[:limit]
    for pk in list(due):
        with transaction.atomic():
            # Claim it: another worker may be at the same message.
            claimed = OutboxMessage.objects.filter(
                pk=pk, status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now
            ).update(next_attempt_at=now + timedelta(minutes=10))
        if not claimed:
            continue
        message = OutboxMessage.objects.get(pk=pk)
        message.attempts += 1
        try:
            _send(message)
        except Exception as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            else:
                message.next_attempt_at = timezone.now() + timedelta(minutes=2**message.attempts)
            logger.warning(
                "E-mail %s to outbox %s failed: %s", message.pk, message.purpose, message.last_error
            )
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            sent += 1
        message.save()
    return sent


def retry(message: OutboxMessage) -> None:
    """Put a failed message back in the queue, now."""
    from .tasks import deliver_outbox, enqueue_after_commit

    # A fresh round of attempts: a retried message deserves the full backoff again.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    enqueue_after_commit(deliver_outbox)
