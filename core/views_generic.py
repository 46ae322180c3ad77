"""One small generic list view (NetBox style): queryset + FilterSet + table, htmx-aware."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView
from django_tables2 import LazyPaginator, RequestConfig


class ObjectListView(PermissionRequiredMixin, TemplateView):
    """Declare ``selector`` (callable(user=) → the permission-scoped queryset), ``filterset_class``
    (applied here, to the request's query string), ``table_class``.

    For an htmx request only the table partial is rendered. Pagination is lazy (no COUNT(*) over
    millions of rows).
    """

    selector = None
    filterset_class = None
    table_class = None
    template_name = "generic/object_list.html"
    partial_template_name = "generic/partials/table.html"
    title = ""
    per_page = 50
    raise_exception = True

    def get_queryset(self):
        return type(self).selector(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = self.filterset_class(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        table = self.table_class(qs)
        RequestConfig(self.request, paginate={"per_page": self.per_page, "paginator_class": LazyPaginator}).configure(table)
        ctx.update(filterset=filterset, table=table, title=self.title)
        return ctx

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.partial_template_name]
        return [self.template_name]
