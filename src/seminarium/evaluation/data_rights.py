"""A person's survey data in their data-rights export, and what erasure does to it.

Anonymous answers are not the person's data in any findable way (nothing links them),
so only named responses, drafts, receipts and follow-up invitations are listed.
"""

from django.dispatch import receiver

from seminarium.core.audit import snapshot
from seminarium.people.data_rights import collecting_person_data, erasing_person
from seminarium.people.models import Person

from .models import Answer, Invitation, Question, Receipt, Response


def _answer_value(answer: Answer) -> object:
    if answer.rating is not None:
        return answer.rating
    if answer.text:
        return answer.text
    return [snapshot(option, ["text"])["text"] for option in answer.options.all()]


@receiver(collecting_person_data)
def collect(sender, person: Person, programme_id: int | None = None, **kwargs) -> dict:
    responses = Response.objects.filter(participation__person=person).select_related("survey")
    receipts = Receipt.objects.filter(participation__person=person)
    invitations = Invitation.objects.filter(participation__person=person)
    if programme_id is not None:
        responses = responses.filter(survey__programme_id=programme_id)
        receipts = receipts.filter(survey__programme_id=programme_id)
        invitations = invitations.filter(survey__programme_id=programme_id)
    return {
        "survey_responses": [
            {
                **snapshot(
                    r, ["survey_id", "session_id", "status", "submitted_on", "score", "max_score"]
                ),
                "survey": snapshot(r.survey, ["title"])["title"],
                "answers": [
                    {
                        "question": snapshot(a.question, ["text"])["text"],
                        "answer": _answer_value(a),
                    }
                    for a in r.answers.select_related("question").prefetch_related("options")
                ],
            }
            for r in responses
        ],
        # Anonymous surveys: only that the person answered, never what.
        "surveys_answered": [
            snapshot(r, ["survey_id", "session_id"]) for r in receipts.order_by("survey_id")
        ],
        "survey_invitations": [
            snapshot(i, ["survey_id", "queued_at"]) for i in invitations.order_by("survey_id")
        ],
    }


@receiver(erasing_person)
def erase(sender, person: Person, **kwargs) -> None:
    """Drafts go; submitted named answers lose their link and their free text.

    Ratings, choices and quiz scores stay, unlinked, so that the programme's results
    and counts do not change; receipts stay for the number of respondents.
    """
    Response.objects.filter(participation__person=person, status=Response.Status.DRAFT).delete()
    named = Response.objects.filter(participation__person=person)
    Answer.objects.filter(response__in=named, question__kind=Question.Kind.TEXT).update(text="")
    named.update(participation=None)
