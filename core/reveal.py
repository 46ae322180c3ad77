"""Why someone looks at a full identity number or contact (Art 16): a purpose from a fixed list
plus a free-text explanation long enough to be checked later.

Both reveal services (``accounts.services.identity_reveal``, ``complaints.services
.complaint_reveal_contact``) call ``check_reveal_reason`` themselves, so the page, the API and a
shell cannot disagree; the form only shows the same rule under its fields.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError

REASON_MIN_LENGTH = 10
REASON_MIN_DISTINCT = 4  # "aaaaaaaaaa" or "。。。。。。。。。。" is not an explanation
REASON_MAX_LENGTH = 300


class RevealPurpose(models.TextChoices):
    COMPLAINT = "complaint", _("核查投诉或举报")
    AUTHORITY = "authority", _("公安、网信等主管部门依法协查")
    CONTACT = "contact", _("联系当事人处理本案")
    APPEAL = "appeal", _("复核申诉")
    DATA_REQUEST = "data_request", _("处理本人查阅、更正个人信息的请求")
    OTHER = "other", _("其他（在说明中写明）")


def check_reveal_reason(purpose: str, reason: str) -> tuple[str, str]:
    """The (purpose, explanation) to record, or a ServiceError naming the field at fault."""
    if purpose not in RevealPurpose.values:
        raise ServiceError(_("请选择查看目的"), field="purpose")
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN_LENGTH or len(set(reason) - {" "}) < REASON_MIN_DISTINCT:
        raise ServiceError(_("请具体说明查看理由（至少 %(n)s 个字，如案件编号和用途）") % {"n": REASON_MIN_LENGTH},
                           field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ServiceError(_("查看理由过长（最多 %(n)s 个字）") % {"n": REASON_MAX_LENGTH}, field="reason")
    return purpose, reason


class RevealReasonForm(forms.Form):
    """The purpose (from the list) and the explanation; the services check the same rule."""

    purpose = forms.ChoiceField(label=_("查看目的"), choices=[("", "——"), *RevealPurpose.choices])
    reason = forms.CharField(
        label=_("具体说明"), max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"size": 40, "placeholder": _("例如：投诉 TS-2026-0123 核查，需与公安协查函核对")}),
    )

    def clean(self):
        data = super().clean()
        if "purpose" in data and "reason" in data:
            try:
                data["purpose"], data["reason"] = check_reveal_reason(data["purpose"], data["reason"])
            except ServiceError as exc:
                self.add_error(exc.field, exc.message)
        return data
