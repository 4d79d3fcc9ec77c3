"""The login backend: loads a user's roles with the user, and cuts what django-axes records.

The navigation shows role links (Clients, Review queue) on every page; with
the dietitian role read in the same query that loads the user from the
session, those links cost no query of their own (accounts.roles.is_dietitian
reads it).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from accounts.roles import DIETITIANS_GROUP

# The backend a session names when the app logs someone in itself (sign-up):
# not AUTHENTICATION_BACKENDS[0], which is django-axes and cannot load users.
SESSION_BACKEND = "accounts.backends.RoleAwareBackend"


def with_roles(users):
    return users.annotate(
        role_dietitian=Exists(Group.objects.filter(name=DIETITIANS_GROUP, user=OuterRef("pk")))
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
