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
