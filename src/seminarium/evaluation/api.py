"""REST resource: a programme's evaluation results (level-1 ratings, quiz average).

Organisers see everything, optionally for one country; a country coordinator sees
their own delegation's aggregates only, and nothing until three of them have answered.
Anyone else gets 404, as if the programme had no results.
"""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from seminarium.core.api import I18nText, visible_or_404
from seminarium.programmes.models import Programme
from seminarium.programmes.rules import coordinator_scopes

from . import services

router = Router(tags=["evaluation"])


class Problem(Schema):
    detail: str


class SessionRating(Schema):
    session_id: int
    title: I18nText
    average: float | None
    answers: int


class CountryRating(Schema):
    country: str
    average: float | None
    answers: int


class ResultsOut(Schema):
    country: str | None
    respondents: int
    overall: float | None
    quiz_average: float | None
    per_session: list[SessionRating]
    per_country: list[CountryRating]
    suggestions: list[str]


@router.get(
    "/programmes/{slug}/evaluation/results",
    response={200: ResultsOut, 401: Problem, 404: Problem},
)
def programme_results(request, slug: str, country: str | None = None):
    """Averages on the 1–5 scale; ``quiz_average`` in per cent of points."""
    user = request.auth
    programme = get_object_or_404(Programme, slug=slug)
    visible_or_404(user, "evaluation.view_country_results", programme)
    organiser = user.has_perm("evaluation.view_results", programme)
    if not organiser:
        country = coordinator_scopes(user)[programme.pk]
    country = country.upper() if country else None
    results = services.programme_results(programme, country=country)
    # Coordinators: small groups would give away whose answers they are; free text too.
    hidden = not organiser and results.respondents < services.MIN_COUNTRY_GROUP
    minimum = 1 if organiser else services.MIN_COUNTRY_GROUP
    return {
        "country": country,
        "respondents": results.respondents,
        "overall": None if hidden else results.overall,
        "quiz_average": None if hidden else results.quiz_average,
        "per_session": [
            {
                "session_id": session.pk,
                "title": session.title,
                "average": average if answers >= minimum and not hidden else None,
                "answers": answers,
            }
            for session, average, answers in results.per_session
        ],
        "per_country": [
            {"country": code, "average": None if hidden else average, "answers": answers}
            for code, (average, answers) in results.per_country.items()
        ],
        "suggestions": results.suggestions if organiser else [],
    }
