"""Who may manage video rooms and personal join links: the programme's organisers and site
admins. Participants reach their own join page through their personal link only."""

import rules

from seminarium.programmes.rules import is_manager

rules.add_perm("conferencing.manage_rooms", is_manager)
