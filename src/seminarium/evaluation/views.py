"""Evaluation pages. Thin: permission checks here, everything else in services.

Organisers' pages answer 404 for programmes they do not organise; participants
reach only surveys of programmes they take part in; lecturers only their own sessions.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seminarium.conferencing.services import participation_for_token, personal_link_url
from seminarium.core import exports, locales
from seminarium.core.charts import bar_chart
from seminarium.core.console import confirm_delete, console_view, edit_with_form
from seminarium.core.preferences import supported_language
from seminarium.programmes.console import managed_programme
from seminarium.programmes.models import Participation, Programme, Session
from seminarium.programmes.rules import coordinator_scopes

from . import services
from .forms import AnswerForm, QuestionForm, SurveyForm, option_formset, options_from
from .models import SCALE_MAX, Question, Response, Survey

PROGRAMME_PAGE = "programmes/console/programme_page.html"
FORM_PAGE = "core/console/form_page.html"


def _average(value: float | None) -> str:
    return "–" if value is None else number_format(value, 1)


def _rating_chart(rows, label: str) -> str:
    """A chart of (name, average or None, answers) rows on the 1–5 scale."""
    return bar_chart(
        [(name, average or 0) for name, average, _count in rows],
        maximum=SCALE_MAX,
        label=label,
        value_labels=[
            ngettext("%(average)s (%(count)s answer)", "%(average)s (%(count)s answers)", count)
            % {"average": _average(avg), "count": count}
            for _name, avg, count in rows
        ],
    )


# ----- organisers --------------------------------------------------------------------


def _survey(request: HttpRequest, programme_id: int, survey_id: int) -> Survey:
    programme = managed_programme(request, programme_id)
    return get_object_or_404(
        Survey.objects.select_related("programme"), pk=survey_id, programme=programme
    )


def _surveys_url(programme: Programme) -> str:
    return reverse("evaluation:surveys", args=[programme.pk])


def _survey_url(survey: Survey) -> str:
    return reverse("evaluation:survey", args=[survey.programme_id, survey.pk])


def _page(programme: Programme, heading: str, **extra) -> dict:
    return {"programme": programme, "heading": heading, "base_template": PROGRAMME_PAGE, **extra}


@console_view
def surveys(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    listed = [
        (survey, survey.receipts.count(), survey.is_open()) for survey in programme.surveys.all()
    ]
    return render(
        request,
        "evaluation/console/surveys.html",
        {"programme": programme, "surveys": listed, "zone": programme.zone},
    )


def _edit_survey(request: HttpRequest, programme: Programme, survey: Survey | None) -> HttpResponse:
    form = SurveyForm(request.POST or None, instance=survey, programme=programme)
    return edit_with_form(
        request,
        form,
        save=lambda edited: services.save_survey(
            request.user, edited, sessions=form.cleaned_data["rated_sessions"]
        ),
        template=FORM_PAGE,
        context=_page(
            programme,
            _("Edit survey") if survey else _("New survey"),
            cancel_url=_survey_url(survey) if survey else _surveys_url(programme),
            delete_url=reverse("evaluation:survey_delete", args=[programme.pk, survey.pk])
            if survey
            else None,
        ),
        success_url=_survey_url,
        success_message=_("The survey is saved."),
    )


@console_view
def survey_create(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _edit_survey(request, managed_programme(request, programme_id), None)


@console_view
def survey_edit(request: HttpRequest, programme_id: int, survey_id: int) -> HttpResponse:
    survey = _survey(request, programme_id, survey_id)
    return _edit_survey(request, survey.programme, survey)


@console_view
def survey_delete(request: HttpRequest, programme_id: int, survey_id: int) -> HttpResponse:
    survey = _survey(request, programme_id, survey_id)
    return confirm_delete(
        request,
        delete=lambda: services.delete_survey(request.user, survey),
        context=_page(survey.programme, "", object=survey, cancel_url=_survey_url(survey)),
        success_url=_surveys_url(survey.programme),
        success_message=_("The survey is deleted."),
    )


@console_view
def survey_detail(request: HttpRequest, programme_id: int, survey_id: int) -> HttpResponse:
    survey = _survey(request, programme_id, survey_id)
    return render(
        request,
        "evaluation/console/survey.html",
        {
            "programme": survey.programme,
            "survey": survey,
            "questions": survey.questions.prefetch_related("options"),
            "sessions": survey.sessions.all(),
            "responses": survey.receipts.count(),
            "is_open": survey.is_open(),
            "zone": survey.programme.zone,
        },
    )


@require_POST
@console_view
def survey_open(request: HttpRequest, programme_id: int, survey_id: int) -> HttpResponse:
    survey = _survey(request, programme_id, survey_id)
    try:
        services.open_survey(request.user, survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The survey is open."))
    return redirect(_survey_url(survey))


@require_POST
@console_view
def survey_close(request: HttpRequest, programme_id: int, survey_id: int) -> HttpResponse:
    survey = _survey(request, programme_id, survey_id)
    services.close_survey(request.user, survey)
    messages.success(request, _("The survey is closed."))
    return redirect(_survey_url(survey))


def _edit_question(request: HttpRequest, survey: Survey, question: Question | None) -> HttpResponse:
    languages = survey.programme.working_languages
    form = QuestionForm(request.POST or None, instance=question, survey=survey)
    options = option_formset(request.POST or None, question, languages)
    if request.method == "POST" and form.is_valid() and options.is_valid():
        try:
            services.save_question(request.user, form.save(commit=False), options_from(options))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The question is saved."))
            return redirect(_survey_url(survey))
    return render(
        request,
        "evaluation/console/question_form.html",
        {
            "programme": survey.programme,
            "survey": survey,
            "question": question,
            "form": form,
            "options": options,
        },
    )


@console_view
def question_create(request: HttpRequest, programme_id: int, survey_id: int) -> HttpResponse:
    return _edit_question(request, _survey(request, programme_id, survey_id), None)


def _question(request, programme_id: int, survey_id: int, question_id: int) -> Question:
    survey = _survey(request, programme_id, survey_id)
    return get_object_or_404(survey.questions.select_related("survey__programme"), pk=question_id)


@console_view
def question_edit(
    request: HttpRequest, programme_id: int, survey_id: int, question_id: int
) -> HttpResponse:
    question = _question(request, programme_id, survey_id, question_id)
    return _edit_question(request, question.survey, question)


@console_view
def question_delete(
    request: HttpRequest, programme_id: int, survey_id: int, question_id: int
) -> HttpResponse:
    question = _question(request, programme_id, survey_id, question_id)
    survey = question.survey
    try:
        return confirm_delete(
            request,
            delete=lambda: services.delete_question(request.user, question),
            context=_page(survey.programme, "", object=question, cancel_url=_survey_url(survey)),
            success_url=_survey_url(survey),
            success_message=_("The question is deleted."),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_survey_url(survey))


def _question_charts(results) -> list[dict]:
    shown = []
    for result in results:
        chart = None
        if result.rating is not None:
            chart = bar_chart(
                [(str(value), count) for value, count in enumerate(result.rating.distribution, 1)],
                label=str(result.question.text),
            )
        elif result.option_counts:
            chart = bar_chart(
                [(str(option.text), count) for option, count in result.option_counts],
                label=str(result.question.text),
            )
        shown.append({"result": result, "chart": chart})
    return shown


@console_view
def survey_results(request: HttpRequest, programme_id: int, survey_id: int) -> HttpResponse:
    survey = _survey(request, programme_id, survey_id)
    session = None
    session_id = request.GET.get("session", "")
    if survey.is_per_session and session_id.isdigit():
        session = get_object_or_404(survey.sessions, pk=session_id)
    country = request.GET.get("country", "")
    count, results = services.survey_results(survey, session=session, country=country or None)
    countries = sorted(
        set(
            survey.responses.filter(status=Response.Status.SUBMITTED)
            .exclude(country=None)
            .values_list("country_id", flat=True)
        )
    )
    return render(
        request,
        "evaluation/console/results.html",
        {
            "programme": survey.programme,
            "survey": survey,
            "count": count,
            "questions": _question_charts(results),
            "sessions": survey.sessions.all() if survey.is_per_session else [],
            "session": session,
            "countries": countries,
            "country": country,
        },
    )


def _answer_text(answer) -> str | int:
    if answer.rating is not None:
        return answer.rating
    if answer.text:
        return answer.text
    return "; ".join(str(option.text) for option in answer.options.all())


@console_view
def survey_export(
    request: HttpRequest, programme_id: int, survey_id: int, file_format: str
) -> HttpResponse:
    survey = _survey(request, programme_id, survey_id)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    responses = (
        survey.responses.filter(status=Response.Status.SUBMITTED)
        .select_related("session", "participation__person")
        .prefetch_related("answers__options", "answers__question")
        .order_by("session__start", "country_id", "id")
    )
    header = [_("Response"), _("Session"), _("Country"), _("Submitted")]
    if not survey.anonymous:
        header += [_("Name"), _("Score"), _("Points possible")]
    header += [_("Question"), _("Answer")]
    language = get_language()
    rows = []
    for response in responses:
        start = [
            str(response.pk)[:8],
            str(response.session.title) if response.session else "",
            locales.country_name(response.country_id, language) if response.country_id else "",
            response.submitted_on,
        ]
        if not survey.anonymous:
            person = response.participation.person if response.participation else None
            start += [
                person.display_name(language) if person else "",
                response.score,
                response.max_score,
            ]
        for answer in sorted(
            response.answers.all(), key=lambda a: (a.question.position, a.question.pk)
        ):
            rows.append([*start, str(answer.question.text), _answer_text(answer)])
    filename = f"evaluation-{survey.programme.slug}-{survey.pk}.{file_format}"
    if file_format == "csv":
        return exports.csv_response(filename, header, rows)
    return exports.xlsx_response(filename, header, rows, sheet_title=str(survey.title))


def _results_context(programme: Programme, country: str | None, min_group: int = 1) -> dict:
    """Charts of the programme's results; averages of fewer than ``min_group`` answers hidden."""
    results = services.programme_results(programme, country=country)
    language = get_language()
    per_session = [
        (str(s.title), avg if n >= min_group else None, n) for s, avg, n in results.per_session
    ]
    per_lecturer = [(p.display_name(language), avg, n) for p, avg, n in results.per_lecturer]
    per_country = [
        (locales.country_name(code, language), avg, n)
        for code, (avg, n) in results.per_country.items()
    ]
    return {
        "programme": programme,
        "results": results,
        "overall": _average(results.overall),
        "quiz_average": None
        if results.quiz_average is None
        else number_format(results.quiz_average, 0),
        "session_chart": _rating_chart(per_session, _("Average rating per session (1–5)")),
        "lecturer_chart": _rating_chart(per_lecturer, _("Average rating per lecturer (1–5)")),
        "country_chart": _rating_chart(per_country, _("Average rating per country (1–5)")),
    }


@console_view
def results(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = managed_programme(request, programme_id)
    return render(
        request, "evaluation/console/programme_results.html", _results_context(programme, None)
    )


# ----- coordinators ------------------------------------------------------------------


@login_required
def country_results(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=programme_id)
    if not request.user.has_perm("evaluation.view_country_results", programme):
        raise Http404
    if request.user.has_perm("evaluation.view_results", programme):
        country = request.GET.get("country", "").upper()  # organisers: any country
    else:
        country = coordinator_scopes(request.user)[programme.pk]
    if not country:
        raise Http404
    # A delegation is small: an average of one or two answers would tell whose they are.
    context = _results_context(programme, country, min_group=services.MIN_COUNTRY_GROUP)
    context["country"] = country
    context["too_few"] = context["results"].respondents < services.MIN_COUNTRY_GROUP
    return render(request, "evaluation/country_results.html", context)


# ----- participants ------------------------------------------------------------------


def _participation(request: HttpRequest, programme_id: int) -> Participation:
    person = getattr(request.user, "person", None)
    participation = (
        Participation.objects.filter(person=person, programme_id=programme_id)
        .select_related("programme")
        .first()
        if person
        else None
    )
    if participation is None or not services.may_respond(participation):
        raise Http404
    return participation


@login_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    now = timezone.now()
    entries = []
    if person is not None:
        for participation in person.participations.select_related("programme"):
            if not services.may_respond(participation):
                continue
            entries.append(
                {
                    "programme": participation.programme,
                    "participation": participation,
                    "has_ratings": bool(services.pending_session_ratings(participation, now)),
                    "surveys": services.open_surveys_for(participation, now),
                    "scores": Response.objects.filter(
                        participation=participation,
                        status=Response.Status.SUBMITTED,
                        max_score__gt=0,
                    ).select_related("survey"),
                }
            )
    return render(request, "evaluation/mine.html", {"entries": entries})


def _answer_page(
    request: HttpRequest,
    survey: Survey,
    participation: Participation,
    session: Session | None,
    back_url: str = "",
) -> HttpResponse:
    now = timezone.now()
    response = services.own_response(survey, participation, session)
    answered = services.has_responded(survey, participation, session)
    if answered:
        return render(
            request,
            "evaluation/answered.html",
            {
                "survey": survey,
                "session": session,
                "response": response,
                "answers": _own_answers(response),
                "back_url": back_url,
            },
        )
    try:
        services.check_answerable(survey, participation, session, now)
    except ValidationError as error:
        return render(
            request,
            "evaluation/unavailable.html",
            {
                "survey": survey,
                "session": session,
                "reason": " ".join(error.messages),
                "back_url": back_url,
            },
            status=403,
        )
    form = AnswerForm(request.POST or None, survey=survey, response=response)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_answers(
                request.user, survey, participation, session, form.answers(), submit=submit
            )
        except ValidationError as error:
            for name, errors in getattr(error, "error_dict", {None: error}).items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            if submit:
                messages.success(request, _("Thank you: your answers are submitted."))
            else:
                messages.success(
                    request, _("Your answers are saved. You can come back and finish later.")
                )
            return redirect(request.path)
    return render(
        request,
        "evaluation/answer.html",
        {
            "survey": survey,
            "session": session,
            "form": form,
            "draft": response,
            "closes_at": survey.closes_at,
            "zone": request.viewer.zone_or(participation.person.zone),
        },
    )


def _own_answers(response: Response | None) -> list[tuple[Question, object]]:
    if response is None or response.participation_id is None:
        return []
    return [
        (answer.question, _answer_text(answer))
        for answer in sorted(
            response.answers.all(), key=lambda a: (a.question.position, a.question.pk)
        )
    ]


@login_required
def answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.select_related("programme"), pk=survey_id)
    if survey.is_per_session:
        raise Http404
    return _answer_page(request, survey, _participation(request, survey.programme_id), None)


@login_required
def rate_session(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("programme"), pk=session_id)
    participation = _participation(request, session.programme_id)
    survey = services.rating_survey_for(session, timezone.now())
    if survey is None:
        raise Http404
    return _answer_page(request, survey, participation, session)


def rate_by_link(request: HttpRequest, token: str, session_id: int) -> HttpResponse:
    """Rate a session from the personal join page's link, signed in or not."""
    participation = participation_for_token(token)
    if participation is None or not services.may_respond(participation):
        raise Http404
    session = get_object_or_404(
        Session.objects.select_related("programme"),
        pk=session_id,
        programme_id=participation.programme_id,
    )
    survey = services.rating_survey_for(session, timezone.now())
    if survey is None:
        raise Http404
    person = participation.person
    language = (
        supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or supported_language(person.preferred_language)
        or request.viewer.language
    )
    with translation.override(language):
        response = _answer_page(
            request, survey, participation, session, back_url=personal_link_url(participation)
        )
    # Reached by a secret link: keep it out of shared caches and referrers.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# ----- lecturers ---------------------------------------------------------------------


@login_required
def lecturer_feedback(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied
    language = get_language()
    feedback = [
        {
            "item": item,
            "average": _average(item.rating.average),
            "chart": bar_chart(
                [(str(value), count) for value, count in enumerate(item.rating.distribution, 1)],
                label=_("Ratings of “%(title)s”") % {"title": item.session.title},
            ),
            "countries": [
                (locales.country_name(code, language), _average(r.average), r.answers)
                for code, r in item.per_country.items()
            ],
        }
        for item in services.lecturer_feedback(person)
    ]
    return render(request, "evaluation/feedback.html", {"feedback": feedback})
