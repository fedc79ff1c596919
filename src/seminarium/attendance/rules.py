"""Who may see and record attendance. Scoped by programme and, for coordinators, by
country; the predicates come from programmes.rules."""

import rules

from seminarium.programmes.rules import is_coordinator, is_manager

# On a Programme: the whole grid, excuses, unknown participants, the threshold.
rules.add_perm("attendance.view_grid", is_manager)
rules.add_perm("attendance.manage", is_manager)
# On a Programme: the coordinator's own country (the view filters by that country).
rules.add_perm("attendance.view_country", is_coordinator)
