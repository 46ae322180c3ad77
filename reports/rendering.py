"""A report's files, rendered from its data file: XLSX (cover + a sheet per section), CSV (UTF-8
with BOM, sections one after another) and a printable HTML page (A4, report number in the page
header, page numbers) that a supervisor prints to PDF.

Drafts are rendered on request and say 草稿 everywhere; an approved report is rendered once, its
files stored with their SHA-256 (``services.report_render_files``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core import crypto
from reports import conf
from reports.choices import FROZEN_STATUSES, IDENTITY_KINDS
from reports.formats import CsvChunks, cell, local
from reports.sections.base import Identity, read_sections
from reports.xlsx import Workbook


def reveals_identities(report) -> bool:
    """Full identity numbers only in an approved report of a kind that needs them, confirmed by
    its approver; everything else shows them masked."""
    return (report.kind in IDENTITY_KINDS and report.include_identities and report.status in FROZEN_STATUSES
            and report.identities_confirmed_by_id is not None)


def _resolver(report, *, spreadsheet: bool = True):
    reveal = reveals_identities(report)
    numbers: dict[int, str] = {}
    if reveal:
        from accounts.models import IdentityVerification

        def number(token: Identity) -> str:
            if token.pk not in numbers:
                iv = IdentityVerification.objects.filter(pk=token.pk).only("number_encrypted").first()
                numbers[token.pk] = crypto.decrypt(iv.number_encrypted) if iv else token.masked
            return numbers[token.pk]
    else:
        def number(token: Identity) -> str:
            return token.masked

    def resolve(value: Any) -> Any:
        value = number(value) if isinstance(value, Identity) else value
        if spreadsheet:
            return cell(value)
        return local(value) if isinstance(value, dt.datetime) else value

    return resolve


def cover(report) -> list[tuple[str, Any]]:
    """The cover block: what the report is, who stands behind it, and how to reach them."""
    draft = report.status not in FROZEN_STATUSES
    period = ""
    if report.period_start and report.period_end:
        period = f"{report.period_start:%Y-%m-%d} — {report.period_end:%Y-%m-%d}"
    rows = [
        (_("报告编号"), report.label),
        (_("状态"), _("草稿（未经批准，不得报送）") if draft else report.get_status_display()),
        (_("类型"), report.get_kind_display()),
        (_("标题"), report.title),
        (_("报告期间"), period),
        (_("报告单位联系人"), " ".join(x for x in (report.contact_name, report.contact_title) if x)),
        (_("联系电话"), report.contact_phone),
        (_("联系邮箱"), report.contact_email),
        (_("情况说明"), report.narrative),
        (_("生成时间"), report.generated_at),
        (_("数据文件 SHA-256"), report.data_sha256),
        (_("生成人"), report.created_by_label),
        (_("批准人"), report.approved_by.username if report.approved_by_id else ""),
        (_("批准时间"), report.approved_at),
    ]
    if report.replaces_id:
        rows.append((_("更正说明"), _("本报告为 %(label)s 的更正版本，替代原报告。") % {"label": report.replaces.label}))
    if report.include_identities and not reveals_identities(report):
        rows.append((_("证件号码"), _("以脱敏形式显示；须经批准人确认后才在正式报告中显示完整号码。")))
    return [(label, local(v) if isinstance(v, dt.datetime) else v) for label, v in rows]


def _data_path(report):
    return conf.file_root() / report.data_path


def render_xlsx(report, out) -> None:
    resolve = _resolver(report)
    book = Workbook()
    book.text_sheet(_("报告"), cover(report))
    for section in read_sections(_data_path(report)):
        sheet = book.sheet(section.title, section.headers, section.widths)
        for row in section.rows:
            sheet.append([resolve(v) for v in row])
    book.save(out)


def csv_chunks(report) -> Iterator[bytes]:
    resolve = _resolver(report)
    out = CsvChunks()
    for label, value in cover(report):
        out.row([cell(label), cell(value)])
    yield out.take()
    for section in read_sections(_data_path(report)):
        out.row([])
        out.row([cell(section.title)])
        out.row([cell(h) for h in section.headers])
        for n, row in enumerate(section.rows, 1):
            out.row([resolve(v) for v in row])
            if n % 2000 == 0:
                yield out.take()
        yield out.take()


def render_html(report) -> str:
    resolve = _resolver(report, spreadsheet=False)
    limit = int(conf.get("print_max_rows"))
    sections = []
    for section in read_sections(_data_path(report)):
        rows, more = [], False
        for row in section.rows:
            if len(rows) >= limit:
                more = True
                break
            rows.append([_html_value(resolve(v)) for v in row])
        sections.append({"title": section.title, "headers": section.headers, "rows": rows, "more": more,
                         "note": section.note})
    return render_to_string("reports/report_print.html", {
        "report": report, "cover": [(label, _html_value(v)) for label, v in cover(report)], "sections": sections, "draft": report.status not in FROZEN_STATUSES,
        "limit": limit, "printed_at": timezone.localtime(),
    })


def _html_value(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if value is None:
        return ""
    return value
