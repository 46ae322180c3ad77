"""Forms of the report pages; the services check everything again (they own their rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.choices import PeriodKind, SubmissionChannel
from reports.models import RegulatorReport
from reports.sections import inspection

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> reads


def attach_error(form: forms.Form, exc) -> None:
    """Show a service's refusal under the field it names (or above the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class PeriodicForm(forms.Form):
    period_kind = forms.ChoiceField(label=_("周期"), choices=PeriodKind.choices, initial=PeriodKind.MONTH)
    year = forms.IntegerField(label=_("年份"), min_value=2022, max_value=2100)
    number = forms.IntegerField(label=_("月份或季度"), min_value=1, max_value=12,
                                help_text=_("月报填月份（1–12），季报填季度（1–4）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["number"].initial = today.month


class IncidentForm(forms.Form):
    measures = forms.TypedMultipleChoiceField(label=_("处置措施"), coerce=int, choices=(),
                                              widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(label=_("标题（可不填）"), max_length=200, required=False)
    include_identities = forms.BooleanField(
        label=_("包含完整证件号码（须经批准人确认）"), required=False)

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = [(m.pk, str(m.pk)) for m in measures]


class InspectionForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DATE)
    end = forms.DateField(label=_("结束日期"), widget=DATE)
    uid = forms.CharField(label=_("仅限账号 UID（可不填）"), max_length=64, required=False)
    records = forms.MultipleChoiceField(label=_("记录类型"), choices=(), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = inspection.available()


class ReportEditForm(forms.ModelForm):
    class Meta:
        model = RegulatorReport
        fields = ["narrative", "contact_name", "contact_title", "contact_phone", "contact_email"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 8})}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(forms.Form):
    confirm_identities = forms.BooleanField(label=_("我确认本报告确需包含完整证件号码"), required=False)


class SubmitForm(forms.Form):
    channel = forms.ChoiceField(label=_("报送渠道"), choices=SubmissionChannel.choices)
    reference = forms.CharField(label=_("回执编号或文号"), max_length=100)
    submitted_on = forms.DateField(label=_("报送日期"), widget=DATE)
    person = forms.CharField(label=_("报送人"), max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submitted_on"].initial = timezone.localdate()
