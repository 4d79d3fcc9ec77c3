from __future__ import annotations

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts.roles import ensure_groups

        # Sent for nutrition after its permissions exist (django.contrib.auth connects
        # create_permissions first), which the curators group is given. An app without
        # models, like this one, gets no post_migrate of its own.
        post_migrate.connect(ensure_groups, sender=apps.get_app_config("nutrition"))
