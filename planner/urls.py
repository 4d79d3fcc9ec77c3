from __future__ import annotations

from django.urls import include, path

# Each feature keeps its own URLs; they share the one "planner" namespace, so
# every name stays reverse("planner:<name>"). The order matters only where
# two patterns could match the same path, and none do.
app_name = "planner"

FEATURES = ("plans", "days", "profile", "reports", "learn", "comments", "sharing", "care")

urlpatterns = [path("", include(f"planner.{feature}.urls")) for feature in FEATURES]
