"""Food curation: the curators' role, CSV import and export, merges and moderation.

A curator is a staff user in the "curators" group (nutrition migration 0003),
which grants view/add/change on foods, portions and supplement facts and view on
food groups. The checks below ask for the permission rather than the group, so a
superuser passes too.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CURATORS_GROUP = "curators"
# The group's permissions, as nutrition migration 0003 grants them. No delete on
# foods: a duplicate is merged (its menu items move), not deleted. Portions may be
# deleted: a meal item that used one keeps its grams.
CURATOR_PERMISSIONS = {
    "food": ("view", "add", "change"),
    "portion": ("view", "add", "change", "delete"),
    "supplementfacts": ("view", "add", "change"),
    "foodgroup": ("view",),
    "foodmerge": ("view",),
}


def curators_group():
    """The curators group with exactly its permissions, made again if it is missing
    (a database flushed after migrating loses the migration's rows)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in CURATOR_PERMISSIONS.items() for action in actions
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="nutrition", codename__in=codenames)
    )
    return group


def is_curator(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    # is_staff first: an ordinary user costs no permission query on every page.
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("nutrition.change_food")
    )
