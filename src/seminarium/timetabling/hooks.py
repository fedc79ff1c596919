"""Timetable warnings on the organiser's programme and session pages (see core/hooks.py)."""

from django.template.loader import render_to_string

from seminarium.core.hooks import contribute

from .templatetags.timetabling import timetable_warnings


@contribute("console.programme")
def programme_warnings(request, programme) -> str:
    return render_to_string("timetabling/_warnings.html", timetable_warnings(programme), request)


@contribute("console.session")
def session_warnings(request, session) -> str:
    context = timetable_warnings(session.programme, session)
    return render_to_string("timetabling/_warnings.html", context, request)
