"""Forms of core's own pages: entering the holiday notice and confirming a year."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Holiday


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
