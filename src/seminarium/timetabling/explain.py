"""Translatable wording of the solver's explanations and progress phrases.

The solver is pure and speaks English; these are the same templates marked for translation,
keyed by its reason codes (tests/test_timetabling_explain.py keeps them in step).
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REASON_TEXTS = {
    "duplicate_session": gettext_lazy("Two sessions share the same identifier."),
    "no_days": gettext_lazy("The programme has no days."),
    "bad_tracks": gettext_lazy("The number of parallel tracks must be at least 1, not %(tracks)s."),
    "bad_duration": gettext_lazy("Session “%(session)s” has no positive duration."),
    "unknown_group": gettext_lazy(
        "Session “%(session)s” names an unknown audience group “%(group)s”."
    ),
    "unknown_ordering": gettext_lazy("Unknown ordering rule “%(rule)s”."),
    "ordering_unknown_session": gettext_lazy(
        "An ordering rule names an unknown session “%(session)s”."
    ),
    "pin_unknown_session": gettext_lazy("A pin names an unknown session “%(session)s”."),
    "pin_without_zone": gettext_lazy("The pin of session “%(session)s” has no time zone."),
    "current_without_zone": gettext_lazy(
        "The current start of session “%(session)s” has no time zone."
    ),
    "window_without_zone": gettext_lazy("An availability window of %(person)s has no time zone."),
    "unknown_zone": gettext_lazy("Unknown time zone: %(zone)s."),
    "longer_than_day": gettext_lazy(
        "Session “%(session)s” (%(minutes)s min) is longer than every programme day, or than "
        "every stretch of a day between breaks."
    ),
    "pair_needed": gettext_lazy(
        "Session “%(session)s” (%(minutes)s min) is longer than %(limit)s min, so its "
        "%(channel)s channel needs a pair of interpreters; only %(people)s is assigned."
    ),
    "pinned": gettext_lazy("Session “%(session)s” is pinned to start at %(when)s (%(zone)s)."),
    "group_hours": gettext_lazy(
        "Session “%(session)s” (%(minutes)s min) must lie within the acceptable hours of "
        "audience group “%(group)s”: %(from)s–%(to)s local time (%(zone)s)."
    ),
    "availability": gettext_lazy(
        "Session “%(session)s” (%(minutes)s min) needs %(person)s, who is available only "
        "%(windows)s (%(zone)s)."
    ),
    "person_overlap": gettext_lazy(
        "%(person)s cannot take part in two sessions at once (%(sessions)s)."
    ),
    "group_overlap": gettext_lazy(
        "Audience group “%(group)s” cannot attend two sessions at once (%(sessions)s)."
    ),
    "room_overlap": gettext_lazy(
        "Room “%(room)s” can host only one session at a time (%(sessions)s)."
    ),
    "first": gettext_lazy("Session “%(session)s” must come before every other session."),
    "last": gettext_lazy("Session “%(session)s” must come after every other session."),
    "after": gettext_lazy("Session “%(later)s” must come after session “%(earlier)s”."),
    "after_gap": gettext_lazy(
        "Session “%(later)s” must come after session “%(earlier)s” with at least %(gap)s min "
        "in between."
    ),
    "same_day": gettext_lazy("Sessions “%(session)s” and “%(other)s” must be on the same day."),
    "interpreter_daily": gettext_lazy(
        "Interpreter %(person)s may work at most %(limit)s min per day (sessions: %(sessions)s)."
    ),
    "interpreter_continuous": gettext_lazy(
        "Interpreter %(person)s may interpret at most %(limit)s min without a break of at "
        "least %(break)s min (sessions: %(sessions)s)."
    ),
    "tracks": gettext_lazy("At most %(tracks)s sessions can run at the same time."),
    "day_bounds": gettext_lazy(
        "Every session must also fit inside one programme day, outside its breaks: %(days)s "
        "(%(zone)s)."
    ),
    "no_core": gettext_lazy("The sessions cannot be fitted into the programme days at all."),
    "not_isolated": gettext_lazy(
        "The timetable could not be found, but no small set of conflicting constraints could "
        "be isolated in the time allowed."
    ),
    "timeout": gettext_lazy(
        "No timetable was found within %(seconds)s s; the solver could neither find one nor "
        "prove that none exists. Allow more time or relax constraints."
    ),
}

SUMMARIES = {
    "conflict": gettext_lazy("No timetable satisfies all of these constraints together."),
    "input": gettext_lazy("The timetable input is inconsistent."),
    "timeout": gettext_lazy("No timetable found in time."),
}

LEVEL_PHRASES = {
    "fairness": gettext_lazy("fairness"),
    "total discomfort": gettext_lazy("total discomfort"),
    "compactness": gettext_lazy("compactness"),
    "stability": gettext_lazy("stability"),
}

_LEVEL = re.compile(r"^level (\d+) of (\d+): (.+)$")


def reason_text(item: dict) -> str:
    """One stored explanation sentence in the reader's language (English when unknown)."""
    template = REASON_TEXTS.get(item.get("code", ""))
    if template is None:
        return item["text"]
    try:
        return str(template) % item.get("params", {})
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
        return item["text"]


def summary_text(kind: str) -> str:
    return str(SUMMARIES.get(kind, SUMMARIES["conflict"]))


def progress_phrase(phrase: str) -> str:
    """The solver's progress phrase (``level 2 of 4: total discomfort``) for the reader."""
    if phrase == "preparing the model":
        return _("Preparing the model")
    if phrase == "done":
        return _("Done")
    if phrase == "failed":
        return _("The solver stopped with an error; the server log has the details.")
    level = _LEVEL.match(phrase)
    if level:
        step, steps, goal = level.groups()
        return _("Step %(step)s of %(steps)s: %(goal)s") % {
            "step": step,
            "steps": steps,
            "goal": LEVEL_PHRASES.get(goal, goal),
        }
    return phrase
