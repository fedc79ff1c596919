"""Who may read reports and exports, scoped by programme and, for coordinators, country.

The funder's report and press drafts are the organisers'. Table exports (participants,
attendance, evaluation) are the organisers' for the whole programme, and a country
coordinator's for their own delegation only (the views filter by that country).
Public exports (programme iCal, frab schedule) need only a published programme.
"""

import rules

from seminarium.programmes.rules import is_coordinator, is_manager

# On a Programme:
rules.add_perm("reporting.view_report", is_manager)
rules.add_perm("reporting.export_tables", is_manager | is_coordinator)
