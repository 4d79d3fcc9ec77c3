from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "curators"

# What a curator may do in the admin, and nothing more. No delete on foods: a food in
# a menu is protected, and a duplicate is merged (its items move) rather than deleted.
# Portions may be deleted: a meal item that used one keeps its grams (SET_NULL).
PERMISSIONS = {
    "food": ("view", "add", "change"),
    "portion": ("view", "add", "change", "delete"),
    "supplementfacts": ("view", "add", "change"),
    "foodgroup": ("view",),
    "foodmerge": ("view",),
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure this app's
    # exist now, so a fresh database gets a complete group.
    app_config = apps.get_app_config("nutrition")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="nutrition", codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("nutrition", "0002_curation"),
    ]

    # An admin grants the role by ticking "Staff status" on the user and adding them
    # to this group (or: manage.py make_curator USERNAME).
    operations = [migrations.RunPython(create_group, remove_group)]
