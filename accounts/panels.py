"""Dashboard tiles of the account registry: how many accounts, and qualifications (Art 11) and
organisation certifications waiting for review."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import ReviewStatus
from accounts.models import OrgCertification, Qualification
from core.selectors import estimated_count


def account_count_panel(request):
    if not request.user.has_perm("accounts.view_account"):
        return None
    return {"title": _("管理中的账号"), "value": estimated_count("accounts_account"), "humanize": True,
            "url": reverse("accounts:account_list")}


def pending_qualifications_panel(request):
    if not request.user.has_perm("accounts.view_qualification"):
        return None
    return {"title": _("待审核资质"), "value": Qualification.objects.filter(status=ReviewStatus.PENDING).count()}


def pending_certifications_panel(request):
    if not request.user.has_perm("accounts.view_orgcertification"):
        return None
    return {"title": _("待审核机构认证"),
            "value": OrgCertification.objects.filter(status=ReviewStatus.PENDING).count()}
