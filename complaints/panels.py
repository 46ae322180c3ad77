"""Dashboard tiles: what is overdue or due soon, and unread SLA alerts for supervisors."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, SlaAlert
from core import workdays


def overdue_panel(request):
    if not request.user.has_perm("complaints.view_complaint"):
        return None
    count = Complaint.objects.filter(next_due_at__lt=timezone.now()).count()
    return {"title": _("逾期未办投诉"), "value": count, "url": reverse("complaints:complaint_list") + "?overdue=true"}


def due_soon_panel(request):
    if not request.user.has_perm("complaints.view_complaint"):
        return None
    now = timezone.now()
    until = workdays.end_of_day(workdays.add_working_days(timezone.localdate(now), 1))
    count = Complaint.objects.filter(next_due_at__gte=now, next_due_at__lte=until).count()
    return {"title": _("下一工作日内到期投诉"), "value": count, "url": reverse("complaints:complaint_list") + "?due=soon",
            "deadline": until}


def alerts_panel(request):
    if not request.user.has_perm("complaints.view_slaalert"):
        return None
    count = SlaAlert.objects.filter(acknowledged_at__isnull=True).count()
    return {"title": _("未读时限提醒"), "value": count, "url": reverse("complaints:alerts")}


def case_complaints_panel(request, case):
    """On a review case page: the complaints linked to the case or about its account (Art 19)."""
    from django.db.models import Q

    from complaints.models import Complaint

    if not request.user.has_perm("complaints.view_complaint"):
        return None
    cond = Q(review_case_id=case.pk)
    if case.account_id:
        cond |= Q(account_id=case.account_id)
    complaints = list(Complaint.objects.filter(cond).order_by("-received_at")[:20])
    if not complaints:
        return None
    return {"template": "complaints/partials/case_panel.html", "title": _("相关投诉举报"), "complaints": complaints,
            "case": case}


def account_complaints_panel(request, account):
    """On an account page: complaints about the account."""

    from complaints.models import Complaint

    if not request.user.has_perm("complaints.view_complaint"):
        return None
    complaints = list(Complaint.objects.filter(account=account).order_by("-received_at")[:20])
    if not complaints:
        return None
    return {"template": "complaints/partials/case_panel.html", "title": _("投诉举报"), "complaints": complaints}


def case_complainants_panel(request, case):
    """Near the top of a review case opened from complaints: what the complainants wrote and
    their evidence, including the duplicates merged into them (Art 19: 甄别、处置)."""
    from complaints.models import Complaint, ComplaintEvidence

    if not request.user.has_perm("complaints.view_complaint"):
        return None
    linked = list(Complaint.objects.filter(review_case_id=case.pk).order_by("received_at")[:20])
    if not linked:
        return None
    merged = list(Complaint.objects.filter(merged_into__in=linked).order_by("received_at")[:50])
    complaints = linked + merged
    evidence: dict[int, list] = {}
    for ev in ComplaintEvidence.objects.filter(complaint__in=complaints).only("id", "complaint_id", "from_reply"):
        evidence.setdefault(ev.complaint_id, []).append(ev)
    rows = [{"complaint": c, "evidence": evidence.get(c.pk, []), "merged": c.merged_into_id is not None}
            for c in complaints]
    return {"template": "complaints/partials/case_complainants.html", "title": _("投诉人反映的情况"),
            "rows": rows, "position": "top"}
