"""Dashboard tiles: the queue at a glance, and close / ban proposals awaiting a second supervisor."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation.choices import CaseStatus, MeasureState
from moderation.models import Measure
from moderation.selectors import open_cases


def open_cases_panel(request):
    if not request.user.has_perm("moderation.view_reviewcase"):
        return None
    return {"title": _("未决审核工单"), "value": open_cases().count(), "url": reverse("moderation:case_list")}


def overdue_cases_panel(request):
    if not request.user.has_perm("moderation.view_reviewcase"):
        return None
    count = open_cases().filter(due_at__lt=timezone.now()).count()
    return {"title": _("已逾期工单"), "value": count, "url": reverse("moderation:case_list") + "?due=overdue"}


def my_cases_panel(request):
    if not request.user.has_perm("moderation.decide_case"):
        return None
    count = open_cases().filter(status=CaseStatus.CLAIMED, assignee=request.user).count()
    return {"title": _("我领取的工单"), "value": count, "url": reverse("moderation:my_cases")}


def pending_approvals_panel(request):
    if not request.user.has_perm("moderation.approve_measure"):
        return None
    count = Measure.objects.filter(state=MeasureState.PENDING_APPROVAL).count()
    return {"title": _("待批准的关闭/禁止措施"), "value": count, "url": reverse("moderation:measures_pending")}
