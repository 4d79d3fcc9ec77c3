"""The roles (accounts.roles): one home for who is a dietitian and who is a curator."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import call_command
from django.test import Client

from accounts import roles
from accounts.backends import with_roles


def test_an_ordinary_account_has_neither_role(patient):
    assert not roles.is_dietitian(patient)
    assert not roles.is_curator(patient)


def test_an_anonymous_visitor_has_neither_role_and_costs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not roles.is_dietitian(AnonymousUser())
        assert not roles.is_curator(AnonymousUser())
        assert not roles.is_dietitian(None)


def test_granting_and_revoking_the_dietitian_role(patient):
    roles.grant_dietitian(patient)
    assert roles.is_dietitian(patient)
    assert patient.groups.filter(name=roles.DIETITIANS_GROUP).exists()

    roles.revoke_dietitian(patient)
    assert not roles.is_dietitian(patient)


def test_granting_the_curator_role_makes_staff_never_superuser(patient):
    roles.grant_curator(patient)

    user = get_user_model().objects.get(pk=patient.pk)
    assert roles.is_curator(user)
    assert user.is_staff and not user.is_superuser

    roles.revoke_curator(user)
    user = get_user_model().objects.get(pk=user.pk)
    assert not roles.is_curator(user)
    assert user.is_staff  # staff status may be there for another reason


def test_the_session_backend_loads_the_dietitian_role_with_the_user(
    patient, django_assert_num_queries
):
    roles.grant_dietitian(patient)
    user = with_roles(get_user_model().objects).get(pk=patient.pk)

    with django_assert_num_queries(0):
        assert roles.is_dietitian(user)


def test_a_signed_in_dietitian_is_loaded_by_the_role_aware_backend(patient):
    roles.grant_dietitian(patient)
    client = Client()
    client.force_login(patient, backend="accounts.backends.RoleAwareBackend")

    response = client.get("/")

    assert response.wsgi_request.user.role_dietitian is True


def test_both_groups_come_back_after_they_went_missing(db):
    Group.objects.filter(name__in=[roles.DIETITIANS_GROUP, roles.CURATORS_GROUP]).delete()

    roles.ensure_groups()

    assert Group.objects.filter(name=roles.DIETITIANS_GROUP).exists()
    curators = Group.objects.get(name=roles.CURATORS_GROUP)
    assert curators.permissions.filter(codename="change_food").exists()


def test_make_curator_removes_the_role_again(make_user):
    user = make_user("helper")
    call_command("make_curator", "helper", stdout=StringIO())
    call_command("make_curator", "helper", "--remove", stdout=StringIO())

    user = get_user_model().objects.get(pk=user.pk)
    assert not roles.is_curator(user)
