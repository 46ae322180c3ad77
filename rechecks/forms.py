"""Forms of the rechecks pages; services check everything again and name the field at fault."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rechecks.services.corrections import POLICY_ARTICLES

SCOPE_CHOICES = [
    ("all", _("全部账号")), ("stale", _("超过核验周期未核验的账号")), ("kind=organization", _("机构用户")),
    ("kind=individual", _("个人用户")), ("public", _("公众账号")), ("since", _("某日以来注册的账号")),
]


class StartForm(forms.Form):
    scope = forms.ChoiceField(label=_("范围"), choices=SCOPE_CHOICES)
    since = forms.DateField(label=_("起始日期"), required=False, help_text=_("范围为“某日以来注册的账号”时填写"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("scope") == "since":
            if not data.get("since"):
                self.add_error("since", _("请填写起始日期"))
            else:
                data["scope"] = f"since={data['since'].isoformat()}"
        return data


class PolicyForm(forms.Form):
    article = forms.ChoiceField(label=_("条款"), choices=[(a, a) for a in POLICY_ARTICLES])
    suspend_at_once = forms.BooleanField(label=_("高确定性发现立即暂停（不等待审核员确认）"), required=False)


class ImpactForm(forms.Form):
    term = forms.CharField(label=_("词条"), max_length=100)
    category = forms.CharField(label=_("类别"), max_length=40, initial="custom")
    article = forms.ChoiceField(label=_("条款"), choices=[(a, a) for a in POLICY_ARTICLES if a not in ("10.3",)])
    severity = forms.ChoiceField(label=_("级别"), choices=[("review", _("人工核验")), ("strict_review", _("从严核验")),
                                                          ("reject", _("不予注册或变更"))])
    homophone = forms.BooleanField(label=_("谐音敏感"), required=False)
