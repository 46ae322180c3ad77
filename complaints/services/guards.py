"""The checks every complaint action makes first, and the one way a status changes.

Who may act (services own their rules, so a page, the API, a job and a test cannot disagree).
Every service names what it needs and ``require_actor`` applies it to the three kinds of actor:

- a **staff user** must hold the Django permission the service names: ``handle_complaint`` to
  work a complaint (Art 19: 受理、甄别、处置、反馈), ``reassign_complaint`` to act on one someone
  else has claimed, ``mark_bad_faith``, ``reveal_contact`` (Art 16), ``change_slapolicy``,
  ``change_slaalert``;
- a **platform API client** (``core.models.ApiClient``) must be active and hold the scope the
  service names. Only ``complaints:write`` exists, for forwarding a report; no scope lets a client
  work on complaints, so every other service refuses clients;
- **the system** (``None``) is accepted only where a service says so in its docstring: the
  deadline sweep (flags, closing answered complaints), moderation's case decisions (feedback) and
  the anonymous public (filing on the public page, replying with the tracking code). Elsewhere a
  person's judgement is needed and ``None`` is refused.

Anything else (an anonymous user object, an unknown type) is refused: what cannot be checked
does not pass. The assignee guard then applies to staff users only: the system acts on the
complaint's own schedule or for its complainant, and clients never get that far.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import TRANSITIONS, ComplaintStatus
from complaints.models import Complaint
from complaints.services.deadlines import set_clock
from core.audit import record
from core.errors import ServiceError
from core.models import ApiClient

HANDLE = "complaints.handle_complaint"
REASSIGN = "complaints.reassign_complaint"


def is_staff_user(actor) -> bool:
    """A staff login (as opposed to the system, a platform client or anything else)."""
    return isinstance(actor, get_user_model())


def require_actor(actor, *, permission: str | tuple[str, ...] = "", scope: str = "", system: bool = False) -> None:
    """Refuse (403) an actor the service does not allow; see the module docstring. Several
    permissions: any one of them will do."""
    permissions = (permission,) if isinstance(permission, str) else permission
    if actor is None:
        allowed = system
    elif isinstance(actor, ApiClient):
        allowed = bool(scope) and actor.is_active and actor.has_scope(scope)
    elif is_staff_user(actor):
        allowed = any(p and actor.has_perm(p) for p in permissions)
    else:
        allowed = False
    if allowed:
        return
    if actor is None:
        message = _("此操作须由工作人员进行")
    elif isinstance(actor, ApiClient):
        message = _("平台接口客户端无权进行此操作")
    else:
        message = _("没有进行此操作的权限")
    raise ServiceError(message, code="forbidden", status=403)


def lock_complaint(complaint: Complaint) -> Complaint:
    """The complaint's row, locked for the rest of the transaction (re-read: its state is now current)."""
    return Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)


def _transition(complaint: Complaint, new_status: str) -> str:
    old = complaint.status
    if new_status not in TRANSITIONS[old]:
        raise ServiceError(
            _("投诉状态不能从「%(old)s」变为「%(new)s」") % {
                "old": ComplaintStatus(old).label, "new": ComplaintStatus(new_status).label},
            field="status", code="illegal_transition", status=409,
        )
    complaint.status = new_status
    return old


def ensure_can_act(actor, complaint: Complaint) -> None:
    """A complaint claimed by someone else is theirs, unless a supervisor steps in; an unclaimed
    one becomes the acting staff user's."""
    if not is_staff_user(actor):
        return
    if complaint.assignee_id and complaint.assignee_id != actor.pk and not actor.has_perm(REASSIGN):
        raise ServiceError(_("此投诉已由其他人认领"), field="assignee", code="claimed_by_other", status=409)
    if complaint.assignee_id is None:
        complaint.assignee = actor
        complaint.claimed_at = timezone.now()


# apply(complaint, old_status, now) sets this step's fields and returns extra audit values.
Step = Callable[[Complaint, str, object], dict | None]


def change_status(actor, complaint: Complaint, new_status: str, event: str, apply: Step | None = None, *,
                   guard: bool = True, locked: bool = False) -> Complaint:
    """The one way a complaint's status changes: lock the row (unless the caller holds it),
    check the assignee (``guard``) and the transition, let ``apply`` set the step's own fields,
    point the clock at the deadline staff now face, save, and write the audit entry
    (``old``/``new`` status plus what ``apply`` returned). Run inside the caller's transaction."""
    if not locked:
        complaint = lock_complaint(complaint)
    if guard:
        ensure_can_act(actor, complaint)
    old = _transition(complaint, new_status)
    now = timezone.now()
    extra = apply(complaint, old, now) if apply is not None else None
    set_clock(complaint, now)
    complaint.save()
    record(event, actor=actor, subject=complaint, old={"status": old},
           new={"status": complaint.status, **(extra or {})})
    return complaint


def bounded_text(value: str | None, *, field: str, min_length: int = 4, max_length: int = 500,
                  required: str = "") -> str:
    """Free text a complainant will read or the audit log will keep: stripped, 4–500 characters."""
    value = (value or "").strip()
    if len(value) < min_length:
        raise ServiceError(required or _("至少 %(n)d 个字") % {"n": min_length}, field=field)
    if len(value) > max_length:
        raise ServiceError(_("不能超过 %(n)d 个字") % {"n": max_length}, field=field)
    return value


def case_is_open(complaint: Complaint) -> bool:
    """Whether the complaint's linked review case is still undecided (False without moderation)."""
    if not complaint.review_case_id:
        return False
    from django.apps import apps

    if not apps.is_installed("moderation"):
        return False
    from moderation.choices import OPEN_CASE_STATUSES
    from moderation.models import ReviewCase

    return ReviewCase.objects.filter(pk=complaint.review_case_id, status__in=OPEN_CASE_STATUSES).exists()
