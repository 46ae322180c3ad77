"""Inspection pack (Art 21 提供必要的技术、数据等支持和协助): the underlying records of a date
range — measures, review cases, complaints, audit entries — one sheet each, written with the same
columns as the lists' exports (identity columns left out, personal numbers masked)."""

from __future__ import annotations

from accounts.models import Account
from core.registry import registry
from reports.formats import column_formatter
from reports.sections.base import Section
from reports.sections.period import bounds

# The lists an inspection pack can hold, in this order (keys of core.registry exports).
RECORD_KEYS = ("moderation.measures", "moderation.cases", "complaints.complaints", "core.audit")


def available() -> list[tuple[str, str]]:
    return [(k, str(registry.exports[k].title)) for k in RECORD_KEYS if k in registry.exports
            and registry.exports[k].date_field]


def records(report):
    since, until = bounds(report)
    uid = report.params.get("uid") or ""
    account = Account.objects.filter(uid=uid).first() if uid else None
    for key in report.params.get("records") or [k for k, _t in available()]:
        spec = registry.exports.get(key)
        if spec is None or not spec.date_field:
            continue
        columns = spec.columns_for(sensitive=False)
        if report.created_by is None:
            raise RuntimeError("the report's creator no longer exists: records cannot be scoped to a user")
        qs = spec.selector(user=report.created_by)  # the creator's permissions, as on the list pages
        qs = qs.filter(**{f"{spec.date_field}__gte": since, f"{spec.date_field}__lt": until})
        if uid:
            qs = spec.for_account(qs, account) if account is not None and spec.for_account else qs.none()
        if spec.annotations:
            qs = qs.annotate(**spec.annotations())
        qs = qs.order_by(spec.date_field, "pk").values_list(*[c.field for c in columns])
        yield Section(key.replace(".", "_"), str(spec.title), [str(c.header) for c in columns],
                      _rows(qs, columns), [c.width for c in columns])


def _rows(qs, columns):
    formatters = [column_formatter(c) for c in columns]
    for raw in qs.iterator(chunk_size=2000):
        yield [f(v) for f, v in zip(formatters, raw, strict=True)]
