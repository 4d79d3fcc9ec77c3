from __future__ import annotations

from django.db import migrations

GROUP = "dietitians"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=GROUP)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("planner", "0002_sharing"),
    ]

    # An admin grants the role by adding a user to this group; it needs no permissions:
    # what a dietitian may see follows from their links to clients (planner.access).
    operations = [migrations.RunPython(create_group, remove_group)]
