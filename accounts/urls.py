from __future__ import annotations

from django.urls import include, path

from accounts import views

# No app_name: the names are Django's own ("login", "password_reset", …), which its
# views and templates reverse without a namespace.
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    # Before django.contrib.auth.urls, whose reset page this one replaces with a throttled one.
    path("password_reset/", views.password_reset, name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
