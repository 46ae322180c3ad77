"""Forms of the public complaint pages and the staff actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints import conf, selectors
from complaints.captcha import ComplaintCaptchaField
from complaints.choices import ComplaintCategory, ScreeningResult


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input; the type is checked by content later, size and count here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > conf.evidence_max_files():
            raise forms.ValidationError(_("证据图片最多 %(n)d 张") % {"n": conf.evidence_max_files()})
        limit = conf.evidence_max_bytes()
        for f in files:
            if f.size > limit:
                raise forms.ValidationError(_("图片「%(name)s」超过 %(mb)d MB") % {"name": f.name[:40], "mb": limit // (1024 * 1024)})
        return [f.read() for f in files]


class CaptchaMixin(forms.Form):
    """A captcha (``complaints.captcha``) and a honeypot. The picture is drawn anew at every
    render, so a form shown again after an error carries a fresh one."""

    captcha = ComplaintCaptchaField(label=_("验证码"))
    # A field people never see; bots that fill every input give themselves away.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not conf.challenge_enabled():
            self.fields.pop("captcha")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("提交失败，请重试"))
        return cleaned


class PublicComplaintForm(CaptchaMixin):
    category = forms.ChoiceField(label=_("投诉类别"), choices=[("", _("请选择"))] + ComplaintCategory.choices)
    target = forms.CharField(label=_("被投诉账号（用户ID或主页链接）"), max_length=300)
    description = forms.CharField(label=_("投诉内容"), min_length=5, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleImageField(label=_("证据截图（可选，最多 3 张，每张不超过 5 MB）"))
    contact = forms.CharField(label=_("联系方式（可选，手机号或邮箱，仅用于告知处理结果）"), max_length=100, required=False)

    field_order = ["category", "target", "description", "evidence", "contact", "captcha", "website"]


class StatusLookupForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=30,
                           widget=forms.TextInput(attrs={"placeholder": "QL-XXXX-XXXX-XXXX", "autocomplete": "off"}))


class ReplyForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=30)
    reply = forms.CharField(label=_("补充说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleImageField(label=_("补充证据截图（可选）"))


# ---------------------------------------------------------------------------------------------
# Staff


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), min_length=4, max_length=500)


def _complaint_for_code(code: str):
    complaint = selectors.complaint_by_code(code=code)
    if complaint is None:
        raise forms.ValidationError(_("查询码不存在"), code="not_found")
    return complaint


class TrackingCodeField(forms.CharField):
    """A tracking code typed by staff, cleaned to the complaint it names."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return _complaint_for_code(value) if value else None


class ScreenForm(forms.Form):
    result = forms.ChoiceField(label=_("甄别结论"), choices=ScreeningResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("内部备注"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("不属实时向投诉人反馈"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    duplicate_of = forms.CharField(label=_("重复时：原投诉查询码"), required=False, max_length=30)

    def clean_duplicate_of(self):
        """The complaint the code names, looked up only for a duplicate (a code typed next to
        another result is ignored, not refused)."""
        code = self.cleaned_data["duplicate_of"].strip()
        if self.data.get(self.add_prefix("result")) != ScreeningResult.DUPLICATE or not code:
            return None
        return _complaint_for_code(code)


class FeedbackForm(forms.Form):
    outcome = forms.CharField(label=_("向投诉人反馈的处理结果"), min_length=4, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("请投诉人补充"), min_length=4, max_length=500)


class MergeForm(forms.Form):
    into = TrackingCodeField(label=_("合并到（查询码）"))
    note = forms.CharField(label=_("内部备注"), required=False, max_length=500)


class PolicyForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=ComplaintCategory.choices, widget=forms.HiddenInput)
    accept_days = forms.IntegerField(label=_("受理时限（工作日）"), min_value=0, max_value=5)
    feedback_days = forms.IntegerField(label=_("反馈时限（工作日）"), min_value=1, max_value=15)
