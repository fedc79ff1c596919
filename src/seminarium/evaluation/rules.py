"""Who may see and change evaluation, scoped by programme and, for coordinators, country.

Participants answer through their own participation, and lecturers see feedback on
their own sessions; both are checked in the views against the signed-in person.
"""

import rules

from seminarium.programmes.rules import is_coordinator, is_manager

# On a Programme or a Survey:
rules.add_perm("evaluation.change_survey", is_manager)
rules.add_perm("evaluation.view_results", is_manager)
rules.add_perm("evaluation.view_country_results", is_manager | is_coordinator)
