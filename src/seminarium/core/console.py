"""What every console view shares: who may enter, and the edit-with-a-form-then-save pattern."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def console_view(view: Callable) -> Callable:
    """Sign-in required; without the console permission, 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("core.use_console"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's validation errors on the form, beside the field when it has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, field_errors)


def edit_with_form(
    request: HttpRequest,
    form: BaseForm,
    *,
    save: Callable,
    template: str,
    context: dict,
    success_url: Callable[[object], str] | str,
    success_message: str,
) -> HttpResponse:
    """Bind, validate, save through ``save(object)`` and redirect; else show the form again.

    ``save`` gets the unsaved object (``form.save(commit=False)`` for model forms,
    the cleaned data otherwise) and returns what was saved.
    """
    if request.method == "POST" and form.is_valid():
        unsaved = form.save(commit=False) if hasattr(form, "save") else form.cleaned_data
        try:
            saved = save(unsaved)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url(saved) if callable(success_url) else success_url)
    return render(request, template, {**context, "form": form})


def confirm_delete(
    request: HttpRequest,
    *,
    delete: Callable[[], None],
    context: dict,
    success_url: str,
    success_message: str,
) -> HttpResponse:
    """Ask first (GET); delete through ``delete()`` on POST.

    ``context`` names the ``object`` and gives ``cancel_url`` (and may give ``base_template``).
    """
    if request.method == "POST":
        delete()
        messages.success(request, success_message)
        return redirect(success_url)
    return render(request, "core/console/confirm_delete.html", context)
