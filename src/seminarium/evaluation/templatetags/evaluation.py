"""``{% load evaluation %}{% rating_prompt participation %}``: the level-1 prompt.

Pages of apps below evaluation in the layering (the conferencing join page) can show
the prompt this way: template tags are loaded by name when the template renders, so
those apps need not import evaluation. The join page passes its token as well,
``{% rating_prompt link.participation link.token %}``, so that the rating page opens
through the same personal link, without signing in.
"""

from django import template
from django.urls import reverse
from django.utils import timezone

from seminarium.evaluation.services import pending_session_ratings

register = template.Library()


@register.inclusion_tag("evaluation/prompt.html")
def rating_prompt(participation, token: str = "") -> dict:
    """Links to rate this participation's ended, unrated sessions (nothing if none)."""
    if participation is None:
        return {"pending_ratings": []}
    sessions = pending_session_ratings(participation, timezone.now())
    return {
        "pending_ratings": [
            (
                session,
                reverse("evaluation:rate_by_link", args=[token, session.pk])
                if token
                else reverse("evaluation:rate", args=[session.pk]),
            )
            for session in sessions
        ]
    }
