"""Entering the State Council's yearly holiday notice and confirming a year (services, audited), the
side-by-side view of computed and entered days (selector), and the recompute of open deadlines
when a year's calendar changes (job).

Every legal deadline in the product counts working days (Art 19 受理、反馈; Art 15 correction
periods; appeals and organisation reviews), so a year's arrangement is data that supervisors own:
it is *provisional* (computed statutory holidays, ``core.statutory_holidays``) until one of them
has entered the notice — all its days off and make-up working days — and confirmed it in one step
after comparing it with the computed days. Entering one date never confirms a year; changing an
entry of a confirmed year makes it provisional again. Whenever a year's calendar changes, each app
that keeps deadlines recomputes its open ones through ``core.registry.register_deadline_recomputer``
(core names no app above it).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workdays
from core.audit import record
from core.errors import ServiceError
from core.jobs import enqueue
from core.models import Holiday, HolidayYear
from core.statutory_holidays import statutory_holidays

log = logging.getLogger(__name__)

MAX_RANGE_DAYS = 31  # one entry covers at most a month (the longest break is ~9 days)
EARLIEST_YEAR = 2004  # chinesecalendar's first year; earlier dates are no one's deadline


def _is_user(actor) -> bool:
    return actor is not None and hasattr(actor, "has_perm") and getattr(actor, "pk", None) is not None


def _require(actor, perm: str) -> None:
    """Staff need the permission; ``None`` is the system (shell, seed) and is explicit."""
    if actor is not None and not (_is_user(actor) and actor.has_perm(perm)):
        raise ServiceError(_("您没有修改节假日安排的权限"), field="actor", code="permission_denied", status=403)


def _check_year(year: int, field: str) -> None:
    latest = timezone.localdate().year + 10
    if not EARLIEST_YEAR <= year <= latest:
        raise ServiceError(_("年份应在 %(low)s–%(high)s 之间") % {"low": EARLIEST_YEAR, "high": latest},
                           field=field, code="year_out_of_range")


def _year_row(year: int) -> HolidayYear:
    row, _created = HolidayYear.objects.select_for_update().get_or_create(year=year)
    return row


def _reopen(*, actor, years: set[int], reason: str) -> None:
    """An entry of a confirmed year changed: the year needs checking again (bug 14.5)."""
    for row in HolidayYear.objects.select_for_update().filter(year__in=years, status=HolidayYear.Status.CONFIRMED):
        old = {"status": row.status, "notice": row.notice, "confirmed_by": row.confirmed_by_id,
               "confirmed_at": row.confirmed_at}
        row.status = HolidayYear.Status.PROVISIONAL
        row.save(update_fields=["status", "updated_at"])
        record("holiday_year.reopened", actor=actor, subject=row, old=old,
               new={"status": row.status, "reason": reason})


def _schedule_recompute(*, actor, years: set[int]) -> None:
    enqueue("core.holidays.recompute_deadlines", sorted(years), actor.pk if _is_user(actor) else None)


def holiday_set(*, actor, date: dt.date, kind: str, name: str, until: dt.date | None = None) -> list[Holiday]:
    """Enter one day of the notice, or a run of days (``date`` … ``until``) of the same kind.

    A row overrides the computed or packaged calendar for its date. Entering a day of a confirmed
    year makes the year provisional again; open deadlines of the year are recomputed after commit.
    """
    _require(actor, "core.add_holiday")
    if kind not in Holiday.Kind.values:
        raise ServiceError(_("请选择类型"), field="kind", code="invalid_kind")
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写名称，例如“春节”或“春节调休”"), field="name", code="required")
    if len(name) > 50:
        raise ServiceError(_("名称最长 50 个字"), field="name", code="too_long")
    until = until or date
    if until < date:
        raise ServiceError(_("结束日期不能早于开始日期"), field="until", code="range_reversed")
    if (until - date).days >= MAX_RANGE_DAYS:
        raise ServiceError(_("一次最多录入 %(n)s 天") % {"n": MAX_RANGE_DAYS}, field="until", code="range_too_long")
    if until.year != date.year:
        raise ServiceError(_("一次录入的日期须在同一年内"), field="until", code="range_crosses_year")
    _check_year(date.year, "date")
    days = [date + dt.timedelta(days=i) for i in range((until - date).days + 1)]
    user = actor if _is_user(actor) else None
    saved = []
    with transaction.atomic():
        existing = {h.date: h for h in Holiday.objects.select_for_update().filter(date__in=days)}
        changed = False
        for day in days:
            row = existing.get(day)
            old = {"kind": row.kind, "name": row.name} if row else None
            if old == {"kind": kind, "name": name}:
                saved.append(row)
                continue
            row, _created = Holiday.objects.update_or_create(
                date=day, defaults={"kind": kind, "name": name, "updated_by": user})
            record("holiday.set", actor=actor, subject=row, old=old,
                   new={"date": day.isoformat(), "kind": kind, "name": name})
            saved.append(row)
            changed = True
        if changed:
            _reopen(actor=actor, years={date.year}, reason="holiday.set")
            _schedule_recompute(actor=actor, years={date.year})
    return saved


def holiday_delete(*, actor, holiday: Holiday) -> None:
    """Remove an entry; the date falls back to the package or the computed statutory calendar."""
    _require(actor, "core.delete_holiday")
    with transaction.atomic():
        holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
        year = holiday.date.year
        record("holiday.deleted", actor=actor, subject=holiday,
               old={"date": holiday.date.isoformat(), "kind": holiday.kind, "name": holiday.name})
        holiday.delete()
        _reopen(actor=actor, years={year}, reason="holiday.deleted")
        _schedule_recompute(actor=actor, years={year})


def holiday_year_confirm(*, actor, year: int, notice: str) -> HolidayYear:
    """Confirm that the entries of ``year`` are the State Council's notice, complete.

    Refused while a statutory holiday of the year is not entered as a day off (the notice always
    gives every one of them: Art 2 of 《全国年节及纪念日放假办法》), so a year with one date entered
    can never be confirmed by mistake. The audit entry keeps the confirmed days. Open deadlines of
    the year are recomputed after commit.
    """
    _require(actor, "core.confirm_holidayyear")
    _check_year(year, "year")
    if workdays.package_covers(year):
        raise ServiceError(_("%(year)s 年由内置日历数据覆盖，无需确认") % {"year": year}, field="year",
                           code="package_year")
    notice = (notice or "").strip()
    if len(notice) < 4:
        raise ServiceError(_("请填写国务院办公厅通知的文号或标题（至少 4 个字）"), field="notice", code="required")
    if len(notice) > 200:
        raise ServiceError(_("通知文号或标题最长 200 个字"), field="notice", code="too_long")
    with transaction.atomic():
        row = _year_row(year)
        if HolidayYear.Status.CONFIRMED not in HolidayYear.TRANSITIONS[row.status]:
            raise ServiceError(_("%(year)s 年的安排已经确认") % {"year": year}, field="year",
                               code="already_confirmed", status=409)
        entries = list(Holiday.objects.filter(date__year=year).order_by("date"))
        off = {h.date for h in entries if h.kind == Holiday.Kind.HOLIDAY}
        missing = sorted({d.date for d in statutory_holidays(year)} - off)
        if missing:
            raise ServiceError(
                _("以下法定节假日尚未录入为休息日：%(dates)s。请按通知录入全部放假和调休上班日期后再确认。")
                % {"dates": "、".join(d.isoformat() for d in missing)},
                field="year", code="statutory_missing")
        old = {"status": row.status}
        row.status = HolidayYear.Status.CONFIRMED
        row.notice = notice
        row.confirmed_by = actor if _is_user(actor) else None
        row.confirmed_at = timezone.now()
        row.save()
        record("holiday_year.confirmed", actor=actor, subject=row, old=old, new={
            "status": row.status, "notice": notice,
            "holidays": [h.date.isoformat() for h in entries if h.kind == Holiday.Kind.HOLIDAY],
            "workdays": [h.date.isoformat() for h in entries if h.kind == Holiday.Kind.WORKDAY],
        })
        _schedule_recompute(actor=actor, years={year})
    return row


# ---------------------------------------------------------------------------------------------
# Reads


def year_overview(year: int) -> dict:
    """The calendar page's view of one year: the computed statutory days next to the entered ones.

    Each row is a date with what the statute gives (``statutory``), what was entered (``entry``)
    and how they compare: ``match`` (statutory day entered as a day off), ``missing`` (statutory
    day not entered), ``conflict`` (statutory day entered as a working day), ``extra_off``
    (a day off the notice adds: 补假 or 调休) and ``workday`` (a make-up working day).
    """
    cal = workdays.WorkCalendar()
    status = cal.year_status(year)
    computed: dict[dt.date, list] = {}
    for day in statutory_holidays(year):
        computed.setdefault(day.date, []).append(day)
    entries = {h.date: h for h in Holiday.objects.filter(date__year=year).select_related("updated_by")}
    rows = []
    for day in sorted(set(computed) | set(entries)):
        statutory, entry = computed.get(day, []), entries.get(day)
        if statutory and entry is None:
            state = "missing"
        elif statutory:
            state = "match" if entry.kind == Holiday.Kind.HOLIDAY else "conflict"
        else:
            state = "extra_off" if entry.kind == Holiday.Kind.HOLIDAY else "workday"
        rows.append({"date": day, "statutory": statutory, "entry": entry, "state": state,
                     "weekend": day.weekday() >= 5})
    record_row = HolidayYear.objects.select_related("confirmed_by").filter(year=year).first()
    weekend_statutory = [d for d in statutory_holidays(year) if d.on_weekend]
    return {
        "year": year,
        "status": status,
        "record": record_row,
        "rows": rows,
        "missing": [r["date"] for r in rows if r["state"] in ("missing", "conflict")],
        "entered_off": sum(1 for e in entries.values() if e.kind == Holiday.Kind.HOLIDAY),
        "entered_workdays": sum(1 for e in entries.values() if e.kind == Holiday.Kind.WORKDAY),
        "weekend_statutory": weekend_statutory,
        "can_confirm": status == workdays.PROVISIONAL,
    }


# ---------------------------------------------------------------------------------------------
# Job


def recompute_deadlines(years: list[int], actor_id: int | None = None) -> int:
    """After a year's calendar changed: every app recomputes its open deadlines that fall in
    ``years`` from their start dates (each change audited on the item). Returns the changes."""
    from django.contrib.auth import get_user_model

    from core.jobruns import job_run
    from core.registry import registry

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    total = 0
    with job_run("calendar.recompute_deadlines") as (counts, errors):
        for name, fn in sorted(registry.deadline_recomputers.items()):
            try:
                changed = fn(actor=actor, years=sorted(years))
            except Exception as exc:
                # One app failing must not stop the others; the run is recorded as failed.
                log.exception("deadline recomputer %s failed", name)
                errors.append(f"{name}: {type(exc).__name__}: {exc}"[:500])
                continue
            counts[name] += changed
            total += changed
    return total
