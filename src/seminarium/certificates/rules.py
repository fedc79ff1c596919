"""Who may see and decide certificates.

Organisers (and site admins) decide and download all of a programme's certificates;
a country coordinator sees and downloads only their country's issued ones; a
participant downloads their own. Verification by code is public.
"""

import rules

from seminarium.programmes.rules import coordinator_scopes, is_manager


@rules.predicate
def owns_certificate(user, certificate) -> bool:
    return (
        certificate is not None
        and user.is_authenticated
        and certificate.participation.person.user_id == user.pk
    )


@rules.predicate
def coordinates_certificate(user, certificate) -> bool:
    if certificate is None:
        return False
    participation = certificate.participation
    return coordinator_scopes(user).get(participation.programme_id) == participation.country_id


@rules.predicate
def manages_certificate(user, certificate) -> bool:
    return certificate is not None and is_manager(user, certificate.participation.programme)


@rules.predicate
def may_see_batch(user, batch) -> bool:
    if batch is None:
        return False
    if is_manager(user, batch.programme):
        return True
    country = coordinator_scopes(user).get(batch.programme_id)
    return country is not None and batch.country_id == country


rules.add_perm("certificates.manage", is_manager)  # object: the programme
rules.add_perm(
    "certificates.download",
    manages_certificate | coordinates_certificate | owns_certificate,
)
rules.add_perm("certificates.view_batch", may_see_batch)
