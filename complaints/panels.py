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
    return {"title": _("下一工作日内到期投诉"), "value": count, "url": reverse("complaints:complaint_list") + "?due=soon"}


def alerts_panel(request):
    if not request.user.has_perm("complaints.view_slaalert"):
        return None
    count = SlaAlert.objects.filter(acknowledged_at__isnull=True).count()
    return {"title": _("未读时限提醒"), "value": count, "url": reverse("complaints:alerts")}
