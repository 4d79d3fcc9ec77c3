"""The explanatory pages: the warning catalogue and the learn pages. Public, read-only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clinical import catalogue
from planner.learn import facts as learn


def _render(request: HttpRequest, template: str, **context) -> HttpResponse:
    context.setdefault("evidence_labels", catalogue.EVIDENCE_LABELS)
    return render(request, template, context)


def _learn_page(request: HttpRequest, page: str, **context) -> HttpResponse:
    """A learn page: every one shows the clinical facts and cites the page sources."""
    return _render(
        request,
        f"planner/learn/{page}.html",
        facts=learn.page_facts(),
        src=learn.PAGE_SOURCES,
        **context,
    )


@require_GET
def warning_index(request: HttpRequest) -> HttpResponse:
    return _render(request, "planner/learn/warning_index.html", groups=catalogue.by_level())


@require_GET
def warning_detail(request: HttpRequest, code: str) -> HttpResponse:
    entry = catalogue.entry(code)
    if entry is None:
        raise Http404("No warning has this code.")
    return _render(
        request,
        "planner/learn/warning_detail.html",
        entry=entry,
        level_labels=catalogue.LEVEL_LABELS,
    )


@require_GET
def learn_index(request: HttpRequest) -> HttpResponse:
    return _render(request, "planner/learn/index.html", entry_count=len(catalogue.CATALOGUE))


@require_GET
def learn_mg_k(request: HttpRequest) -> HttpResponse:
    return _learn_page(
        request, "mg_k", lab_tables=learn.lab_tables(), mg_lowering=learn.mg_lowering_classes()
    )


@require_GET
def learn_symptoms(request: HttpRequest) -> HttpResponse:
    return _learn_page(request, "symptoms", symptoms=learn.SYMPTOMS)


@require_GET
def learn_supplements(request: HttpRequest) -> HttpResponse:
    return _learn_page(
        request,
        "supplements",
        mg_salts=learn.salt_rows("mg"),
        k_salts=learn.salt_rows("k"),
        kcl=learn.kcl_strengths(),
        spacing=learn.spacing_rows(),
        diarrhoea_forms=learn.diarrhoea_forms(),
        oxide=learn.oxide_example(),
        salt_substitute=learn.salt_substitute_example(),
        compare_sources=learn.COMPARISON_SOURCES,
    )
