"""Health check, dashboard, audit log and error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from core import selectors
from core.filtersets import AuditEntryFilterSet
from core.registry import panels, registry
from core.tables import AuditEntryTable
from core.views_generic import ObjectListView


@login_not_required
@never_cache
def healthz(request):
    """For monitoring: 503 only when PostgreSQL (the system of record) is down. Redis down is
    "degraded" with 200: the back office and the API keep working on PostgreSQL (issue 18), and
    jobs wait in PostgreSQL until Redis returns."""
    from core import health

    body = health.report()
    return JsonResponse(body, status=503 if body["checks"]["database"] != "ok" else 200)


def dashboard(request):
    """The tiles and charts of every app (registered in ``core.registry``), in their order; one
    date range (``?start=&end=``) drives every chart."""
    from core.charts import cached_charts, period_from, render_svg

    period, period_error = period_from(request.GET)
    charts = cached_charts(registry.dashboard_charts, request, period,
                           seconds=settings.DASHBOARD_CHART_CACHE_SECONDS)
    for spec in charts:
        spec["svg"] = render_svg(spec)
        spec["rows"] = [{"label": label, "link": spec["links"][i] if i < len(spec["links"]) else "",
                         "values": [s["values"][i] for s in spec["series"]]} for i, label in enumerate(spec["labels"])]
    return render(request, "core/dashboard.html", {
        "panels": panels(registry.dashboard_panels, request), "charts": charts, "period": period,
        "period_error": period_error})


class AuditListView(ObjectListView):
    permission_required = "core.view_auditentry"
    selector = staticmethod(selectors.audit_list)
    filterset_class = AuditEntryFilterSet
    table_class = AuditEntryTable
    title = _("审计记录")
    export_key = "core.audit"


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


def media(request, path):
    """Uploaded images and evidence, for signed-in staff only (never public: they can hold
    personal information). Each app registers the folders it stores files in with the permission
    needed to see them (``core.registry.register_media_prefix``); files in any other folder (for
    example complaint evidence, served only by its own permission-checked view) are not served
    here. Production may put X-Accel-Redirect in front; the check stays here.

    The folder is judged on the path ``serve()`` will open ("images/../complaints/…" is complaint
    evidence, not an image), and nothing is cached: avatars awaiting review and qualification
    certificates carry names, faces and numbers (Art 16)."""
    import posixpath

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.views.static import serve

    from core.registry import media_permission

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    path = posixpath.normpath(path).lstrip("/")  # the normalisation serve() applies
    permission = media_permission(path)
    if permission is None:
        raise Http404
    if not request.user.has_perm(permission):
        raise PermissionDenied
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
