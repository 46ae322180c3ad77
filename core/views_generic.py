"""One small generic list view (NetBox style): queryset + FilterSet + table, htmx-aware."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_tables2 import LazyPaginator, RequestConfig

from core.registry import registry

EXPORT_FORMATS = (("csv", _("导出 CSV")), ("xlsx", _("导出 XLSX")))


class ObjectListView(PermissionRequiredMixin, TemplateView):
    """Declare ``selector`` (callable(user=) → the permission-scoped queryset), ``filterset_class``
    (applied here, to the request's query string), ``table_class``.

    For an htmx request only the table partial is rendered. Pagination is lazy (no COUNT(*) over
    millions of rows). With ``export_key`` (an entry in ``core.registry`` exports) the table
    offers "导出 CSV" / "导出 XLSX" links carrying the page's current filter and sort, to the
    export view registered in ``core.registry`` (core names no app above it).
    """

    selector = None
    filterset_class = None
    table_class = None
    template_name = "generic/object_list.html"
    partial_template_name = "generic/partials/table.html"
    title = ""
    per_page = 50
    raise_exception = True
    export_key = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = self.filterset_class(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        table = self.table_class(qs)
        RequestConfig(self.request, paginate={"per_page": self.per_page, "paginator_class": LazyPaginator}).configure(table)
        ctx.update(filterset=filterset, table=table, title=self.title, export_links=self.export_links())
        return ctx

    def export_params(self):
        """The query parameters an export of this page repeats (its filter and sort, not the page)."""
        params = self.request.GET.copy()
        for key in ("page", "format"):
            params.pop(key, None)
        return params

    def export_links(self) -> list[dict]:
        spec = registry.exports.get(self.export_key) if self.export_key else None
        if spec is None or not registry.export_view or not self.request.user.has_perm(spec.permission):
            return []
        try:
            url = reverse(registry.export_view, kwargs={"key": self.export_key})
        except NoReverseMatch:  # the app that registered the view is not routed in this configuration
            return []
        links = []
        for fmt, label in EXPORT_FORMATS:
            params = self.export_params()
            params["format"] = fmt
            links.append({"format": fmt, "label": label, "url": f"{url}?{params.urlencode()}"})
        return links

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.partial_template_name]
        return [self.template_name]
