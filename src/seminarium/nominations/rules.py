"""Who may do what with calls and nominations. Objects are scoped by programme and,
for coordinators, by country; the predicates come from programmes.rules."""

import rules

from seminarium.programmes.rules import coordinator_scopes, is_manager


@rules.predicate
def coordinates_country_of(user, obj) -> bool:
    """A nomination or quota of the country this user coordinates in its programme."""
    if obj is None:
        return False
    return coordinator_scopes(user).get(obj.call.programme_id) == obj.country_id


@rules.predicate
def coordinates_call(user, call) -> bool:
    return call is not None and call.programme_id in coordinator_scopes(user)


@rules.predicate
def manages_call(user, call) -> bool:
    return call is not None and is_manager(user, call.programme)


@rules.predicate
def manages_call_of(user, obj) -> bool:
    """A nomination or quota in a call this user manages."""
    return obj is not None and is_manager(user, obj.call.programme)


# On a Call:
rules.add_perm("nominations.view_call", manages_call | coordinates_call)
rules.add_perm("nominations.change_call", manages_call)
rules.add_perm("nominations.decide", manages_call)
# On a Nomination or Quota: the organisers, and that country's coordinator.
rules.add_perm("nominations.view_nomination", coordinates_country_of | manages_call_of)
rules.add_perm("nominations.nominate", coordinates_country_of | manages_call_of)
# Withdrawing is the nominating authority's act; organisers reject instead.
rules.add_perm("nominations.withdraw", coordinates_country_of)
