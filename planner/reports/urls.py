from __future__ import annotations

from django.urls import path

from planner.reports import pdf, views

# The week view and the exports (issue 4 part 5), print and PDF (issue 6).
urlpatterns = [
    path("plans/<int:pk>/week/", views.plan_week, name="plan_week"),
    path("plans/<int:pk>/export.csv", views.plan_export_csv, name="plan_export_csv"),
    path("plans/<int:pk>/export.json", views.plan_export_json, name="plan_export_json"),
    path("plans/<int:pk>/print/", pdf.plan_print, name="plan_print"),
    path("plans/<int:pk>/plan.pdf", pdf.plan_pdf, name="plan_pdf"),
]
