"""What evaluation adds to pages of the apps below it (see core/hooks.py)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from seminarium.core.hooks import contribute

from .templatetags.evaluation import rating_prompt


@contribute("portal.participation")
def portal_prompt(request, participation) -> str:
    prompt = render_to_string("evaluation/prompt.html", rating_prompt(participation), request)
    link = format_html('<p><a href="{}">{}</a></p>', reverse("evaluation:mine"), _("My surveys"))
    return prompt + link


@contribute("join_page.participation")
def join_page_prompt(request, participation, token) -> str:
    return render_to_string("evaluation/prompt.html", rating_prompt(participation, token), request)


@contribute("coordinator.country")
def country_results_link(request, programme, country) -> str:
    return format_html(
        '<a href="{}">{}</a>',
        reverse("evaluation:country", args=[programme.pk]),
        _("Evaluation"),
    )
