"""The curators' admin: foods with portions, history and revert, CSV import/export, merges.

Who gets in: staff users with the model permissions, i.e. the "curators" group
(see nutrition.curation) or a superuser. Everything a curator saves is marked
`curated_at`, which keeps load_foods and import_fdc from overwriting it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin

from nutrition import plausibility
from nutrition.curation import csvfile, uploads
from nutrition.curation.merge import check_merge, merge_foods, usage_count
from nutrition.history import food_entries
from nutrition.importers.fdc import FDCImportError
from nutrition.models import (
    NUTRIENT_FIELDS,
    Food,
    FoodGroup,
    FoodMerge,
    Portion,
    SupplementFacts,
    visible_to_curators,
)

# The food list has ten columns; the app list sidebar would squeeze it into a scroll box
# on a laptop screen. The admin index and breadcrumbs still lead everywhere.
admin.site.enable_nav_sidebar = False
admin.site.site_header = "MgK Planner administration"
admin.site.site_title = "MgK Planner admin"

# Fields a revert restores; who owns a food and where it came from stay as they are.
CONTENT_FIELDS = ("name", "group_id", "kind", "contains_kcl", "verified", *plausibility.UNITS)


def _amount(value: float | None, unit: str = "mg") -> str:
    return "unknown" if value is None else f"{value:,.0f} {unit}"


def _food_visible(food_id: int) -> bool:
    """Whether curators may see the food, or, once it is deleted, its last recorded state."""
    if Food.objects.filter(pk=food_id).exists():
        return Food.objects.filter(visible_to_curators(), pk=food_id).exists()
    last = Food.history.filter(id=food_id).order_by("-history_date", "-history_id").first()
    return (
        last is not None
        and Food.history.filter(visible_to_curators(), history_id=last.history_id).exists()
    )


class VisibleFoodRawIdWidget(ForeignKeyRawIdWidget):
    """The raw id box names the food whose id it holds; never a private one."""

    def label_and_url_for_value(self, value):
        try:
            visible = Food.objects.filter(visible_to_curators(), pk=value).exists()
        except (TypeError, ValueError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value) if visible else ("", "")


class CuratorPrivacyMixin:
    """A user's private food stays out of every admin view of foods and of what hangs off
    them: lists, change and delete pages, actions, history and revert, the food box of a
    portion or supplement facts. The rule itself is models.visible_to_curators.

    django-simple-history's history pages do not go through get_queryset for an object
    they can rebuild from its records (a revert, a deleted row), hence the checks below.
    """

    # How the admin's model reaches its food: a lookup prefix and the attribute with its id.
    food_path = "food__"
    food_id_field = "food_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(visible_to_curators(self.food_path))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.remote_field.model is Food:
            kwargs["queryset"] = Food.objects.filter(visible_to_curators())
            if db_field.name in self.raw_id_fields:
                kwargs["widget"] = VisibleFoodRawIdWidget(
                    db_field.remote_field, self.admin_site, using=kwargs.get("using")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _require_visible(self, request: HttpRequest, object_id: str) -> None:
        # simple-history would also fail on a non-numeric id with a 500; answer 404.
        if not object_id.isdigit():
            raise Http404
        if self.model._default_manager.filter(pk=object_id).exists():
            if not self.get_queryset(request).filter(pk=object_id).exists():
                raise Http404
            return
        # A deleted row: its last recorded state says which food it belonged to.
        last = (
            self.model.history.filter(id=object_id).order_by("-history_date", "-history_id").first()
        )
        if last is None or not _food_visible(getattr(last, self.food_id_field)):
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not version_id.isdigit():
            raise Http404
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class OptionFilter(admin.SimpleListFilter):
    """A list filter whose every option is one Q: (value, label, Q) in `options`
    (not `choices`, which SimpleListFilter uses for its links)."""

    options: tuple[tuple[str, str, Q], ...] = ()

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _ in self.options]

    def queryset(self, request, queryset):
        for value, _, condition in self.options:
            if self.value() == value:
                return queryset.filter(condition)
        return queryset


class MissingMineralFilter(OptionFilter):
    title = "missing Mg or K"
    parameter_name = "missing"
    options = (
        ("any", "Mg or K unknown", Q(magnesium_mg__isnull=True) | Q(potassium_mg__isnull=True)),
        ("mg", "Mg unknown", Q(magnesium_mg__isnull=True)),
        ("k", "K unknown", Q(potassium_mg__isnull=True)),
        ("none", "Both known", Q(magnesium_mg__isnull=False, potassium_mg__isnull=False)),
    )


class CuratedFilter(OptionFilter):
    title = "curated"
    parameter_name = "curated"
    options = (
        ("yes", "Changed by a curator", Q(curated_at__isnull=False)),
        ("no", "As loaded", Q(curated_at__isnull=True)),
    )


class ReviewFilter(OptionFilter):
    title = "user foods"
    parameter_name = "review"
    options = (
        ("pending", "Waiting for review", Q(review_status=Food.Review.PENDING)),
        ("approved", "Approved user foods", Q(review_status=Food.Review.APPROVED)),
    )


class PortionInline(admin.TabularInline):
    model = Portion
    fields = ("label", "grams", "seq")
    extra = 1
    ordering = ("seq", "id")


class SupplementFactsInline(admin.StackedInline):
    model = SupplementFacts
    extra = 0
    max_num = 1


class FoodForm(forms.ModelForm):
    class Meta:
        model = Food
        fields = [
            "name",
            "group",
            "kind",
            "source",
            "source_id",
            *NUTRIENT_FIELDS,
            "contains_kcl",
            "verified",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:
            # Users add their own foods on the site; here a food is public.
            self.fields["source"].choices = [
                choice for choice in Food.Source.choices if choice[0] != Food.Source.USER
            ]
            self.fields["source"].initial = Food.Source.CURATED
            self.fields["source_id"].help_text = (
                "Your own id for a curated food (e.g. C-0042); the NDB number or FDC id for "
                "USDA foods. Source and id cannot change later."
            )
        for name in plausibility.UNITS:
            if name in self.fields:
                self.fields[name].help_text = "Per 100 g. Leave empty when unknown (empty ≠ 0)."


@admin.register(Food)
class FoodAdmin(CuratorPrivacyMixin, SimpleHistoryAdmin):
    food_path = ""
    food_id_field = "id"
    form = FoodForm
    list_display = (
        "name",
        "group",
        "kind",
        "source",
        "mg_per_100g",
        "k_per_100g",
        "default_portion",
        "mg_per_portion",
        "k_per_portion",
        "verified",
        "last_change",
    )
    list_select_related = ("group",)
    list_filter = (
        "group",
        "kind",
        "source",
        "verified",
        MissingMineralFilter,
        CuratedFilter,
        ReviewFilter,
    )
    search_fields = ("name", "=source_id")
    list_per_page = 50
    inlines = [PortionInline, SupplementFactsInline]
    actions = ["merge_selected", "export_selected", "mark_verified", "release_to_loaders"]
    change_list_template = "admin/nutrition/food/change_list.html"
    object_history_template = "admin/nutrition/food/object_history.html"
    object_history_list_template = "admin/nutrition/food/object_history_list.html"
    fieldsets = (
        (None, {"fields": ("name", "group", "kind", "source", "source_id")}),
        (
            "Per 100 g",
            {
                "fields": (*NUTRIENT_FIELDS, "contains_kcl"),
                "description": "Checked against physical ceilings: "
                + "; ".join(f"{label} ≤ {limit}" for label, limit, _ in plausibility.ceiling_rows())
                + ". Supplements are checked per unit instead.",
            },
        ),
        ("Curation", {"fields": ("verified", "curated_at", "review_status", "updated_at")}),
    )

    # -- list ------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Food]:
        first = Portion.objects.filter(food=OuterRef("pk")).order_by("seq", "id")
        return (
            super()
            .get_queryset(request)
            # The default portion in the same query: the list costs no query per row.
            .annotate(
                portion_grams=Subquery(first.values("grams")[:1]),
                portion_label=Subquery(first.values("label")[:1]),
            )
        )

    @admin.display(description="Mg/100 g", ordering=F("magnesium_mg").desc(nulls_last=True))
    def mg_per_100g(self, food: Food) -> str:
        return _amount(food.magnesium_mg)

    @admin.display(description="K/100 g", ordering=F("potassium_mg").desc(nulls_last=True))
    def k_per_100g(self, food: Food) -> str:
        return _amount(food.potassium_mg)

    @admin.display(description="Portion")
    def default_portion(self, food: Food) -> str:
        if food.portion_grams is None:
            return "none"
        return f"{food.portion_label} ({food.portion_grams:g} g)"

    def _per_portion(self, food: Food, field: str) -> str:
        if food.portion_grams is None:
            return "–"
        return _amount(food.per_grams(field, food.portion_grams))

    @admin.display(description="Mg/portion")
    def mg_per_portion(self, food: Food) -> str:
        return self._per_portion(food, "magnesium_mg")

    @admin.display(description="K/portion")
    def k_per_portion(self, food: Food) -> str:
        return self._per_portion(food, "potassium_mg")

    @admin.display(description="Last change", ordering="updated_at")
    def last_change(self, food: Food) -> str:
        return date_format(timezone.localtime(food.updated_at), "j M Y")

    # -- form ------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = ["curated_at", "review_status", "updated_at"]
        if obj is not None:
            fields += ["source", "source_id"]
        return fields

    def get_inlines(self, request, obj):
        if obj is not None and obj.is_supplement:
            return [PortionInline, SupplementFactsInline]
        return [PortionInline]

    def has_delete_permission(self, request, obj=None):
        # A duplicate is merged, not deleted: its menu items must move first.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj: Food, form, change: bool) -> None:
        revert = getattr(request, "_curation_revert", None)
        if revert is not None:
            # A revert restores the food's values, not who owns it or where it came from.
            current = Food.objects.get(pk=obj.pk)
            for field in Food._meta.concrete_fields:
                if field.attname not in CONTENT_FIELDS:
                    setattr(obj, field.attname, getattr(current, field.attname))
            obj._change_reason = revert
            obj.curated_at = timezone.now()
        elif not change:
            obj._change_reason = "Added in the admin"
            obj.curated_at = timezone.now()
        elif form.has_changed():
            obj._change_reason = "Edited in the admin"
            obj.curated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        reason = f"Edited in the admin ({form.instance.name})"
        for deleted in formset.deleted_objects:
            deleted._change_reason = reason
            deleted.delete()
        for instance in instances:
            instance._change_reason = reason
            instance.save()
        formset.save_m2m()
        if instances or formset.deleted_objects:
            Food.objects.filter(pk=form.instance.pk).update(curated_at=timezone.now())

    # -- history ---------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        entries = [e for e in food_entries(int(object_id)) if e.subject != "food"]
        return super().history_view(
            request, object_id, {**(extra_context or {}), "portion_entries": entries}
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (object_id.isdigit() and version_id.isdigit()):
            raise Http404
        self._require_visible(request, object_id)
        if request.method == "POST":
            record = Food.history.filter(id=object_id, history_id=version_id).first()
            if record is not None:
                when = date_format(timezone.localtime(record.history_date), "j N Y, H:i")
                request._curation_revert = f"Reverted to the version of {when}"
        return super().history_form_view(request, object_id, version_id, extra_context)

    # -- actions ---------------------------------------------------------------------

    @admin.action(description="Merge the two selected foods…", permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet[Food]):
        foods = list(queryset.order_by("pk")[:3])
        if len(foods) != 2:
            self.message_user(request, "Select exactly two foods to merge.", messages.ERROR)
            return None
        if request.POST.get("confirm") == "yes":
            keep_id = request.POST.get("keep", "")
            keep = next((f for f in foods if str(f.pk) == keep_id), None)
            if keep is None:
                self.message_user(request, "Choose the food to keep.", messages.ERROR)
            else:
                retire = foods[1] if keep is foods[0] else foods[0]
                try:
                    result = merge_foods(keep, retire, user=request.user)
                except ValidationError as exc:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                    return None
                self.message_user(
                    request,
                    f"Merged “{result.retired_name}” into “{result.kept.name}”: "
                    f"{result.items_moved} menu items moved ({result.portions_matched} kept "
                    f"their portion, {result.portions_cleared} now count in grams).",
                    messages.SUCCESS,
                )
                return None
        problems = {}
        for food in foods:
            other = foods[1] if food is foods[0] else foods[0]
            try:
                check_merge(food, other)
            except ValidationError as exc:
                problems[food.pk] = " ".join(exc.messages)
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge two foods",
            "opts": self.model._meta,
            "foods": [(food, problems.get(food.pk), usage_count(food)) for food in foods],
            "action_name": "merge_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "nutrients": plausibility.LABELS,
        }
        return TemplateResponse(request, "admin/nutrition/food/merge.html", context)

    @admin.action(description="Export the selected foods as CSV", permissions=["view"])
    def export_selected(self, request: HttpRequest, queryset: QuerySet[Food]) -> HttpResponse:
        return _csv_response(csvfile.export_csv(Food.objects.filter(pk__in=queryset.values("pk"))))

    @admin.action(description="Mark the selected foods as verified", permissions=["change"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Food]) -> None:
        count = 0
        for food in queryset.filter(verified=False):
            food.verified = True
            food.curated_at = timezone.now()
            food._change_reason = "Marked as verified"
            food.save()
            count += 1
        self.message_user(request, f"{count} foods marked as verified.", messages.SUCCESS)

    @admin.action(
        description="Let load_foods and import_fdc update the selected foods again",
        permissions=["change"],
    )
    def release_to_loaders(self, request: HttpRequest, queryset: QuerySet[Food]) -> None:
        count = queryset.filter(curated_at__isnull=False).update(curated_at=None)
        self.message_user(
            request,
            f"{count} foods will follow the bundled data and FDC imports again "
            "(the next load may overwrite their values).",
            messages.SUCCESS,
        )

    # -- import and export pages -----------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="nutrition_food_import"),
            path("export/", view(self.export_view), name="nutrition_food_export"),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The list's own filters and search pick the foods.
        try:
            foods = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:nutrition_food_changelist") + "?e=1")
        return _csv_response(csvfile.export_csv(Food.objects.filter(pk__in=foods.values("pk"))))

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Import foods",
            "opts": self.model._meta,
            "form": ImportForm(),
            "columns": csvfile.COLUMNS,
            "ceilings": list(plausibility.ceiling_rows()),
            "formats": uploads.FORMATS,
        }
        if request.method != "POST":
            return TemplateResponse(request, "admin/nutrition/food/import.html", context)

        if "apply" in request.POST:
            staged = uploads.staged(request.session, request.POST.get("digest", ""))
            if staged is None:
                self.message_user(
                    request,
                    "That preview is no longer available; upload the file again.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.path)
            return self._apply(request, staged, context)

        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return TemplateResponse(request, "admin/nutrition/food/import.html", context)
        staged = uploads.stage(
            request.session,
            form.cleaned_data["content"],
            form.cleaned_data["file"].name,
            form.cleaned_data["format"],
        )
        context.update(_preview(staged))
        return TemplateResponse(request, "admin/nutrition/food/import.html", context)

    def _apply(self, request: HttpRequest, staged: uploads.Staged, context: dict) -> HttpResponse:
        reason = f"Import of {staged.filename}"
        try:
            if staged.format == uploads.FORMAT_FDC:
                result = uploads.apply_fdc_zip(
                    staged.content, staged.filename, user=request.user, reason=reason
                )
                summary = (
                    f"{result.created} new, {result.updated} changed, {result.unchanged} "
                    f"unchanged, {result.kept} kept as curators left them"
                )
            else:
                preview = _preview(staged)
                if preview["fingerprint"] != request.POST.get("fingerprint", ""):
                    # Someone changed the foods since this preview: show the new one.
                    context.update(preview)
                    context["stale"] = True
                    return TemplateResponse(request, "admin/nutrition/food/import.html", context)
                result = csvfile.apply_csv(
                    csvfile.parse_csv(staged.content, staged.filename), reason=reason
                )
                summary = (
                    f"{result.created} new, {result.updated} changed, {result.unchanged} unchanged"
                )
        except (FDCImportError, csvfile.CsvImportError):
            # The file was fine at preview time but not now (e.g. a group was removed).
            context.update(_preview(staged))
            return TemplateResponse(request, "admin/nutrition/food/import.html", context)
        uploads.clear(request.session)
        self.message_user(request, f"Imported {staged.filename}: {summary}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:nutrition_food_changelist"))


def _csv_response(text: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mgk-foods-{stamp}.csv"'
    return response


def _preview(staged: uploads.Staged) -> dict:
    context: dict = {"staged": staged}
    if staged.format == uploads.FORMAT_FDC:
        try:
            parsed, preview = uploads.preview_fdc_zip(staged.content, staged.filename)
        except FDCImportError as exc:
            context.update(errors=exc.errors, error_total=exc.total, can_apply=False)
            return context
        context.update(fdc=preview, fdc_parsed=parsed, errors=[], can_apply=True)
        return context
    plan = csvfile.plan_csv(csvfile.parse_csv(staged.content, staged.filename))
    shown = csvfile.MAX_SHOWN_ERRORS
    context.update(
        plan=plan,
        new_rows=[row for row in plan.rows if row.status == "new"][:shown],
        changed_rows=[row for row in plan.rows if row.status == "changed"][:shown],
        errors=plan.errors[:shown],
        error_total=len(plan.errors),
        can_apply=plan.ok,
        counts={
            "new": plan.count("new"),
            "changed": plan.count("changed"),
            "unchanged": plan.count("unchanged"),
            "rejected": plan.rejected_lines,
        },
        fingerprint=str(plan.fingerprint()),
    )
    return context


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        choices=list(uploads.FORMATS.items()), initial=uploads.FORMAT_CSV, widget=forms.RadioSelect
    )
    file = forms.FileField(label="File")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        fmt = cleaned.get("format")
        if upload is None or fmt is None:
            return cleaned
        limit = uploads.FDC_MAX_ZIP_BYTES if fmt == uploads.FORMAT_FDC else csvfile.MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")
        cleaned["content"] = upload.read()
        return cleaned


@admin.register(Portion)
class PortionAdmin(CuratorPrivacyMixin, SimpleHistoryAdmin):
    list_display = ("label", "grams", "food")
    list_select_related = ("food",)
    search_fields = ("food__name", "label")
    raw_id_fields = ("food",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Food.objects.filter(pk=obj.food_id).update(curated_at=timezone.now())


@admin.register(SupplementFacts)
class SupplementFactsAdmin(CuratorPrivacyMixin, SimpleHistoryAdmin):
    list_display = ("food", "mineral", "use", "elemental_mg_per_unit", "unit")
    list_select_related = ("food",)
    search_fields = ("food__name", "salt_form")
    raw_id_fields = ("food",)


@admin.register(FoodGroup)
class FoodGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(FoodMerge)
class FoodMergeAdmin(admin.ModelAdmin):
    list_display = (
        "retired_name",
        "source",
        "source_id",
        "kept",
        "items_moved",
        "merged_by",
        "merged_at",
    )
    list_select_related = ("kept", "merged_by")
    search_fields = ("retired_name", "=source_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
