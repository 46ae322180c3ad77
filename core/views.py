"""Health check, dashboard, audit log and error pages."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from core import selectors
from core.filtersets import AuditEntryFilterSet
from core.middleware import login_exempt
from core.tables import AuditEntryTable
from core.views_generic import ObjectListView

_dashboard_panels: list = []


def register_dashboard_panel(fn) -> None:
    """Higher apps add dashboard panels: ``fn(request) -> dict(title, rows, url)`` or None."""
    if fn not in _dashboard_panels:
        _dashboard_panels.append(fn)


@login_exempt
@never_cache
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001
        checks["database"] = "error"
    if settings.REDIS_URL:
        try:
            import django_rq

            django_rq.get_connection("default").ping()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001
            checks["redis"] = "error"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)


def dashboard(request):
    from accounts.models import Account, OrgCertification, Qualification

    panels = [p(request) for p in _dashboard_panels]
    context = {
        "account_count": Account.objects.order_by().count() if connection.vendor != "postgresql" else _estimate("accounts_account"),
        "pending_qualifications": Qualification.objects.filter(status="pending").count(),
        "pending_certifications": OrgCertification.objects.filter(status="pending").count(),
        "panels": [p for p in panels if p],
    }
    return render(request, "core/dashboard.html", context)


def _estimate(table: str) -> int:
    """Row estimate from PostgreSQL statistics; exact count for small tables."""
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cur.fetchone()
    estimate = row[0] if row else -1
    if estimate < 100_000:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table name is a constant
            return cur.fetchone()[0]
    return estimate


class AuditListView(ObjectListView):
    permission_required = "core.view_auditentry"
    selector = staticmethod(selectors.audit_list)
    filterset_class = AuditEntryFilterSet
    table_class = AuditEntryTable
    title = _("审计记录")


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


def media(request, path):
    """Uploaded images and evidence, for signed-in staff only (never public: they can hold
    personal information). Production may put X-Accel-Redirect in front; the check stays here."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.views.static import serve

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("accounts.view_account"):
        raise PermissionDenied
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
