"""The curators group, kept in place after every migrate (and test-database flush).

The data migration creates the group on a new database; this post_migrate
hook puts it back wherever it went missing, for example after a test run
empties the tables, so the role never silently disappears.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

CURATORS_GROUP = "curators"

# Mirrors migration 0003_curators_group: view/add/change foods, no deleting
# foods (merge instead), portions may be deleted (meal items keep their grams).
CURATOR_PERMISSIONS = {
    "food": ("view", "add", "change"),
    "portion": ("view", "add", "change", "delete"),
    "supplementfacts": ("view", "add", "change"),
    "foodgroup": ("view",),
    "foodmerge": ("view",),
}


def ensure_curators_group(**kwargs) -> None:
    group, created = Group.objects.get_or_create(name=CURATORS_GROUP)
    if not created and group.permissions.exists():
        return
    codenames = [f"{a}_{m}" for m, actions in CURATOR_PERMISSIONS.items() for a in actions]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="nutrition", codename__in=codenames)
    )
