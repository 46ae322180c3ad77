"""系统状态: the health JSON as a page for admins (``core.view_system_status``), with the latest
run of each sweep and the jobs waiting in PostgreSQL; and the dashboard banner that says when
background work has stopped (no worker, no rqcron, Redis down)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import health
from core.models import JobRun, PendingJob

PERMISSION = "core.view_system_status"
BANNER_CACHE_KEY = "qinglang:core:status_problems"
BANNER_SECONDS = 30
PROBLEM_WORDS = {
    "redis_down": gettext_lazy("Redis 无法连接：任务暂存在数据库中，恢复后自动发出"),
    "workers_missing": gettext_lazy("有队列没有在运行的后台任务进程（rqworker）：通知、回调和导出会延迟"),
    "cron_missing": gettext_lazy("定时任务进程（rqcron）没有运行：到期处理和重试兜底不会执行"),
}


@permission_required(PERMISSION, raise_exception=True)
def system_status(request):
    body = health.report()
    latest = JobRun.objects.values("name").annotate(last=Max("id")).values_list("last", flat=True)
    runs = list(JobRun.objects.filter(pk__in=list(latest)).order_by("name"))
    pending = list(PendingJob.objects.order_by("id")[:20])
    return render(request, "core/system_status.html", {
        "title": _("系统状态"), "body": body, "checks": body["checks"], "queues": body.get("queues", {}),
        "cron": body.get("cron"), "runs": runs, "pending": pending,
        "problems": [PROBLEM_WORDS[p] for p in health.problems()]})


def status_banner(request):
    """Dashboard panel (registered in CoreConfig.ready): a banner while background work stops."""
    found = cache.get(BANNER_CACHE_KEY)
    if found is None:
        found = health.problems()
        cache.set(BANNER_CACHE_KEY, found, BANNER_SECONDS)
    if not found:
        return None
    url = reverse("core:system_status") if request.user.has_perm(PERMISSION) else ""
    return {"banner": True, "messages": [PROBLEM_WORDS[p] for p in found], "url": url}
