"""The two roles beside an ordinary account: dietitian and food curator.

Both are Django groups, granted in the admin or with `make_curator`:

- A dietitian is a member of the "dietitians" group (planner migration 0003);
  what a dietitian may see is decided per client by planner.access.
- A curator is a staff user in the "curators" group (nutrition migration
  0003), which grants view/add/change on foods, portions and supplement facts
  and view on food groups and merges. `is_curator` asks for the permission
  rather than the group, so a superuser passes too.

The data migrations create the groups on a new database; `ensure_groups`
(post_migrate, accounts.apps) puts them back wherever they went missing, for
example after a test run empties the tables, so a role never silently
disappears. The migrations keep their own copies of the names: a migration
must not change meaning when this module does.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission

DIETITIANS_GROUP = "dietitians"
CURATORS_GROUP = "curators"

# The curators group's permissions on nutrition's models, as nutrition migration 0003
# grants them. No delete on foods: a duplicate is merged (its menu items move), not
# deleted. Portions may be deleted: a meal item that used one keeps its grams.
CURATOR_PERMISSIONS = {
    "food": ("view", "add", "change"),
    "portion": ("view", "add", "change", "delete"),
    "supplementfacts": ("view", "add", "change"),
    "foodgroup": ("view",),
    "foodmerge": ("view",),
}

User = AbstractBaseUser | AnonymousUser


def is_dietitian(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    # accounts.backends.RoleAwareBackend loads the role with the user from the session;
    # any other user object asks once and keeps the answer.
    cached = getattr(user, "role_dietitian", None)
    if cached is None:
        cached = getattr(user, "_is_dietitian", None)
    if cached is None:
        cached = user.groups.filter(name=DIETITIANS_GROUP).exists()
        user._is_dietitian = cached
    return cached


def is_curator(user: User | None) -> bool:
    # is_staff first: an ordinary user costs no permission query on every page.
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("nutrition.change_food")
    )


def dietitians_group() -> Group:
    return Group.objects.get_or_create(name=DIETITIANS_GROUP)[0]


def _set_curator_permissions(group: Group) -> None:
    codenames = [
        f"{action}_{model}" for model, actions in CURATOR_PERMISSIONS.items() for action in actions
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="nutrition", codename__in=codenames)
    )


def curators_group() -> Group:
    """The curators group with exactly its permissions, made again if it is missing
    (a database flushed after migrating loses the migration's rows)."""
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    _set_curator_permissions(group)
    return group


def _forget_cached_roles(user) -> None:
    # A role granted or taken away on this object is not the one loaded with it.
    for name in ("role_dietitian", "_is_dietitian", "_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)


def grant_dietitian(user) -> None:
    user.groups.add(dietitians_group())
    _forget_cached_roles(user)


def revoke_dietitian(user) -> None:
    user.groups.remove(*Group.objects.filter(name=DIETITIANS_GROUP))
    _forget_cached_roles(user)


def grant_curator(user) -> None:
    """Staff status (to open the admin) and the curators group (its permissions);
    never a superuser."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(curators_group())
    _forget_cached_roles(user)


def revoke_curator(user) -> None:
    # Staff status stays: the person may have it for another reason.
    user.groups.remove(*Group.objects.filter(name=CURATORS_GROUP))
    _forget_cached_roles(user)


def ensure_groups(**kwargs) -> None:
    """Both groups, after every migrate (post_migrate). A curators group that exists
    with permissions is left as an administrator may have changed it."""
    dietitians_group()
    group, created = Group.objects.get_or_create(name=CURATORS_GROUP)
    if created or not group.permissions.exists():
        _set_curator_permissions(group)
