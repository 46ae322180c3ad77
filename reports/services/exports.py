"""Exports of lists (导出): request, run as a job when large, download, expire.

Every export leaves an audit entry naming who exported which list with which filter and how
many rows (Art 17 保存有关记录: data leaving the system is itself a record). A small export is
streamed at once by the view; a large one (more rows than ``export_stream_max_rows``) is written
by a job to a private file whose link expires, listed on 我的导出.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label_for, record
from core.errors import ServiceError
from core.jobs import enqueue
from reports import conf, exporting
from reports.choices import EXPORT_FORMATS, ExportStatus, FileFormat
from reports.models import Export

log = logging.getLogger(__name__)


def _progress_key(export_id: int) -> str:
    return f"reports:export:{export_id}:rows"


def export_progress(export: Export) -> int | None:
    """Rows written so far by a running export job (kept in the cache, not in the row: the job's
    read transaction must not be interrupted by progress writes)."""
    return cache.get(_progress_key(export.pk))


def _check(actor, key: str, fmt: str):
    spec = exporting.get_spec(key)
    if fmt not in EXPORT_FORMATS:
        raise ServiceError(_("导出格式只能是 CSV 或 XLSX"), field="format")
    if not exporting.may_export(actor, spec):
        raise ServiceError(_("没有导出「%(list)s」的权限") % {"list": spec.title}, code="forbidden", status=403)
    return spec


def export_request(*, actor, key: str, fmt: str, params) -> tuple[Export, exporting.Table | None]:
    """Record an export of list ``key`` with the page's filter and sort ``params``.

    Returns the Export and, for a small one, the table the caller streams now; a large one is
    queued as a job (table None).
    """
    spec = _check(actor, key, fmt)
    params = exporting.clean_params(params)
    tbl = exporting.table(spec, actor, params)  # refuses a bad filter or sort before anything is recorded
    limit = int(conf.get("export_stream_max_rows"))
    rows = tbl.queryset.order_by()[: limit + 1].count()
    large = rows > limit
    with transaction.atomic():
        export = Export.objects.create(
            key=key, title=str(spec.title)[:100], format=fmt, params=params, requested_by=actor,
            requested_by_label=actor_label_for(actor), with_identities=len(tbl.columns) != len(spec.columns_for(
                sensitive=False)), status=ExportStatus.QUEUED if large else ExportStatus.STREAMED,
            rows=None if large else rows, finished_at=None if large else timezone.now(),
        )
        record("export.created", actor=actor, subject=export, subject_label=export.title,
               new={"list": key, "format": fmt, "filter": params, "rows": None if large else rows,
                    "at_least_rows": limit + 1 if large else None, "mode": "job" if large else "stream",
                    "identities": export.with_identities})
        if large:
            enqueue("reports.jobs.export_run", export.pk, queue="low")
    return export, None if large else tbl


def _path_for(export: Export) -> str:
    now = timezone.localtime()
    return f"exports/{now:%Y/%m}/{export.pk}-{secrets.token_hex(8)}.{export.format}"


def export_run(export_id: int) -> Export:
    """The job: write a large export to its private file, then make it downloadable."""
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    if export.status != ExportStatus.QUEUED:
        return export  # already run (a retried job): idempotent
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    path = conf.file_root() / _path_for(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        user = export.requested_by
        if user is None or not user.is_active:
            raise ServiceError(_("请求导出的用户已停用"), code="forbidden", status=403)
        spec = _check(user, export.key, export.format)
        tbl = exporting.table(spec, user, export.params)
        total = tbl.queryset.order_by().count()
        cache.set(_progress_key(export.pk), 0, 86400)
        cache.set(f"reports:export:{export.pk}:total", total, 86400)

        def progress(done: int) -> None:
            cache.set(_progress_key(export.pk), done, 86400)

        if export.format == FileFormat.CSV:
            with open(path, "wb") as out:
                rows, _digest, _size = exporting.write_csv(tbl, out, progress=progress)
        else:
            rows = exporting.write_xlsx(tbl, str(path), progress=progress)
        digest, size = exporting.sha256_file(path)
    except Exception as exc:
        path.unlink(missing_ok=True)
        message = exc.message if isinstance(exc, ServiceError) else _("导出失败，请稍后重试或缩小筛选范围")
        log.exception("export %s failed", export.pk)
        with transaction.atomic():
            Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=str(message)[:500],
                                                       finished_at=timezone.now())
            record("export.failed", actor=None, subject=export, subject_label=export.title,
                   new={"list": export.key, "error": type(exc).__name__})
        raise
    now = timezone.now()
    with transaction.atomic():
        export.status, export.rows, export.sha256, export.size = ExportStatus.DONE, rows, digest, size
        export.path = str(path.relative_to(conf.file_root()))
        export.finished_at = now
        export.expires_at = now + dt.timedelta(hours=int(conf.get("export_expiry_hours")))
        export.save(update_fields=["status", "rows", "sha256", "size", "path", "finished_at", "expires_at"])
        record("export.completed", actor=None, subject=export, subject_label=export.title,
               new={"list": export.key, "format": export.format, "filter": export.params, "rows": rows,
                    "sha256": digest, "expires_at": export.expires_at})
    return export


def export_total(export: Export) -> int | None:
    return cache.get(f"reports:export:{export.pk}:total")


@transaction.atomic
def export_download(*, actor, export: Export):
    """Hand out a finished export's file to the user who asked for it (audited); returns its path."""
    export = Export.objects.select_for_update().get(pk=export.pk)
    if export.requested_by_id != getattr(actor, "pk", None):
        raise ServiceError(_("只能下载自己请求的导出"), code="forbidden", status=403)
    spec = _check(actor, export.key, export.format)
    if export.with_identities and not exporting.may_export_identities(actor):
        raise ServiceError(_("没有导出实名认证信息的权限"), code="forbidden", status=403)
    if export.status != ExportStatus.DONE or (export.expires_at and export.expires_at <= timezone.now()):
        raise ServiceError(_("该导出文件不可下载（未完成或已过期）"), code="gone", status=410)
    path = conf.file_root() / export.path
    if not path.is_file():
        raise ServiceError(_("导出文件已不存在"), code="gone", status=410)
    record("export.downloaded", actor=actor, subject=export, subject_label=export.title,
           new={"list": export.key, "rows": export.rows, "sha256": export.sha256, "title": str(spec.title)})
    return path


def exports_expire(now: dt.datetime | None = None) -> int:
    """Sweep (idempotent): delete the files of exports whose download link has expired."""
    now = now or timezone.now()
    done = 0
    for export in Export.objects.filter(status=ExportStatus.DONE, expires_at__lte=now).order_by("id")[:1000]:
        with transaction.atomic():
            locked = Export.objects.select_for_update(skip_locked=True).filter(
                pk=export.pk, status=ExportStatus.DONE).first()
            if locked is None:
                continue
            if locked.path:
                (conf.file_root() / locked.path).unlink(missing_ok=True)
            locked.status, locked.path = ExportStatus.EXPIRED, ""
            locked.save(update_fields=["status", "path"])
            record("export.expired", actor=None, subject=locked, subject_label=locked.title,
                   new={"list": locked.key, "rows": locked.rows})
            done += 1
    return done
