"""Food curation: the curators' role, CSV import and export, merges and moderation.

A curator is a staff user in the "curators" group (nutrition migration 0003),
which grants view/add/change on foods, portions and supplement facts and view on
food groups. The checks below ask for the permission rather than the group, so a
superuser passes too.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CURATORS_GROUP = "curators"


def is_curator(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    # is_staff first: an ordinary user costs no permission query on every page.
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("nutrition.change_food")
    )
