"""Places in a page where the apps built on top add their part.

A lower app's template names a place, ``{% hook "portal.participation" participation=p %}``,
and the apps above register what they show there, in their ``AppConfig.ready()``. The page
then carries, for example, the rating prompt of evaluation or the certificate download,
without the lower app knowing (or importing) the apps above it.

Places in use:

- ``portal.participation`` (request, participation): the participant's portal, per programme.
- ``join_page.participation`` (request, participation, token): the personal join page.
- ``console.programme`` (request, programme): the organiser's programme overview.
- ``console.session`` (request, session): the organiser's session page.
- ``coordinator.country`` (request, programme, country): the coordinator's country page.
"""

from collections import defaultdict
from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

Contribution = Callable[..., str]

_contributions: dict[str, list[Contribution]] = defaultdict(list)


def contribute(place: str) -> Callable[[Contribution], Contribution]:
    """Register a function returning safe HTML (usually ``render_to_string``) for ``place``."""

    def decorator(function: Contribution) -> Contribution:
        if function not in _contributions[place]:
            _contributions[place].append(function)
        return function

    return decorator


def render(place: str, **context) -> SafeString:
    """Everything registered for ``place``, in registration (so layer) order."""
    parts = [function(**context) for function in _contributions.get(place, ())]
    return format_html_join("", "{}", ((part,) for part in parts if part))
