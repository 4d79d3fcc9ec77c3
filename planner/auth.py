"""An authentication backend that loads a user's roles with the user.

The navigation shows role links (Clients, Review queue) on every page; with
the roles read in the same query that loads the user from the session, those
links cost no query of their own.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from nutrition.roles import CURATORS_GROUP

DIETITIANS_GROUP = "dietitians"


def _member_of(name: str) -> Exists:
    return Exists(Group.objects.filter(name=name, user=OuterRef("pk")))


def with_roles(users):
    return users.annotate(
        role_dietitian=_member_of(DIETITIANS_GROUP), role_curator=_member_of(CURATORS_GROUP)
    )


class RoleAwareBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = with_roles(user_model._default_manager).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


# django-axes keeps the username of failed logins in a 255-character column.
AXES_USERNAME_MAX = 255


def axes_username(request, credentials: dict | None) -> str | None:
    """The username django-axes records (settings.AXES_USERNAME_CALLABLE), cut to its column.

    Django's login form checks the password without first enforcing the username's
    length, so a 300-character "username" reached that column: a 500 on PostgreSQL.
    No real username is that long, so cutting it keeps the count honest.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:AXES_USERNAME_MAX] if isinstance(username, str) else username
