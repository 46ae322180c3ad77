"""Dashboard tiles of the account registry: how many accounts, and qualifications (Art 11) and
organisation certifications waiting for review."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.art13 import incomplete_q
from accounts.choices import ReviewStatus
from accounts.models import Account, OrgCertification, Qualification
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


def art13_gaps_panel(request):
    """Existing public accounts whose Art 13 block has a gap (registered before it was enforced);
    counted at most every five minutes (a count over the public accounts at 1M rows)."""
    if not request.user.has_perm("accounts.view_account"):
        return None
    from django.core.cache import cache

    count = cache.get_or_set("accounts:art13_gaps", lambda: Account.objects.filter(incomplete_q()).count(), 300)
    return {"title": _("公众账号 Art 13 信息不全"), "value": count,
            "url": reverse("accounts:account_list") + "?art13_incomplete=true"}
