"""Forms of core's own pages: entering the holiday notice and confirming a year; platform API clients."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Holiday
from core.registry import registry

OVERLAP_CHOICES = [(0, _("立即失效")), (1, _("1 小时")), (24, _("24 小时")), (168, _("7 天"))]


class HolidayForm(forms.Form):
    """One day, or a run of days of the same kind (e.g. the Spring Festival break)."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("至（可选）"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("连续多天时填写最后一天"))
    kind = forms.ChoiceField(label=_("类型"), choices=Holiday.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=50, widget=forms.TextInput(attrs={"placeholder": _("如：春节")}))


class ConfirmYearForm(forms.Form):
    notice = forms.CharField(label=_("通知文号或标题"), min_length=4, max_length=200,
                             widget=forms.TextInput(attrs={"size": 40, "placeholder": _("如：国办发明电〔2026〕X号")}))


def scope_choices() -> list[tuple[str, str]]:
    return [("*", _("全部权限")), *((scope, f"{scope} · {words}") for scope, words in sorted(registry.api_scopes.items()))]


def event_choices() -> list[tuple[str, str]]:
    return [(t, f"{t} · {spec.label}") for t, spec in sorted(registry.webhook_events.items()) if spec.scope is not None]


class ApiClientForm(forms.Form):
    """Create (with a name) or edit (``editing=True``) a client; the service checks everything."""

    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("例如调用方服务的名称，创建后不可修改"))
    scopes = forms.MultipleChoiceField(label=_("权限范围"), widget=forms.CheckboxSelectMultiple)
    webhook_url = forms.CharField(
        label=_("通知回调地址"), max_length=500, required=False,
        help_text=_("接收事件的地址（生产环境须为 https://）；不能指向内网、回环或云元数据地址。留空则只能拉取"))
    webhook_events = forms.MultipleChoiceField(
        label=_("订阅的事件"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则接收权限范围允许的全部事件"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices()
        self.fields["webhook_events"].choices = event_choices()
        if editing:
            del self.fields["name"]


class OverlapForm(forms.Form):
    """How long the old token or secret keeps working after a rotation."""

    overlap_hours = forms.TypedChoiceField(label=_("旧值过渡期"), choices=OVERLAP_CHOICES, coerce=int, initial=24)
