"""Forms of the moderation pages. They only shape input; the services decide and refuse.

A refused service call (``ModerationError.field``) is shown next to the form field it names:
``attach_error`` maps the service's field names onto each form's own.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import QualificationDomain
from moderation.choices import CaseDecision, Decision, MeasureKind, PauseKind, PauseScope, RestrictFunction
from moderation.filtersets import ARTICLE_CHOICES
from moderation.models import ReasonTemplate

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
RULE_ARTICLES = ["7", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "10.2", "11"]


def attach_error(form: forms.Form, exc, mapping: dict | None = None) -> None:
    """Put a service error on the form field it names (or on the form as a whole)."""
    field = (mapping or {}).get(exc.field, exc.field)
    if field and field in form.fields:
        form.add_error(field, exc.message)
    else:
        form.add_error(None, exc.message)


def _local(value):
    return timezone.make_aware(value) if value is not None and timezone.is_naive(value) else value


class DecisionForm(forms.Form):
    """Decide a case: approve, reject with article(s) and a reason, approve with a label, or
    reject and take an Art 17 measure."""

    FIELD_MAP = {"legal_basis": "articles", "functions": "measure_functions", "expires_at": "measure_expires_at",
                 "kind": "measure_kind", "measure": "measure_kind"}

    decision = forms.ChoiceField(label=_("决定"), choices=CaseDecision.choices, widget=forms.RadioSelect,
                                 initial=CaseDecision.APPROVE)
    articles = forms.MultipleChoiceField(label=_("依据条款"), choices=ARTICLE_CHOICES, required=False,
                                         widget=forms.SelectMultiple(attrs={"size": 5}))
    template = forms.ModelChoiceField(label=_("理由模板"), queryset=ReasonTemplate.objects.none(), required=False,
                                      empty_label=_("— 选择模板，可再修改 —"))
    reason = forms.CharField(label=_("理由（写入通知）"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    label_domain = forms.ChoiceField(label=_("加注资质领域"), choices=[("", "—"), *QualificationDomain.choices],
                                     required=False)
    measure_kind = forms.ChoiceField(label=_("处置措施"), choices=[("", "—"), *MeasureKind.choices], required=False)
    measure_functions = forms.MultipleChoiceField(label=_("限制的功能"), choices=RestrictFunction.choices,
                                                  required=False, widget=forms.CheckboxSelectMultiple)
    measure_expires_at = forms.DateTimeField(label=_("到期 / 改正期限"), required=False, widget=DATETIME_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ReasonTemplate.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        tpl = data.get("template")
        if tpl is not None:
            if not (data.get("reason") or "").strip():
                data["reason"] = tpl.text
            if not data.get("articles"):
                data["articles"] = [tpl.article]
        data["measure_expires_at"] = _local(data.get("measure_expires_at"))
        # Every missing piece at once (the service checks them too, one at a time).
        if data.get("decision") in (CaseDecision.REJECT, CaseDecision.MEASURE):
            if not data.get("articles") and "articles" not in self.errors:
                self.add_error("articles", _("驳回须注明依据条款"))
            if len((data.get("reason") or "").strip()) < 2 and "reason" not in self.errors:
                self.add_error("reason", _("驳回须填写理由"))
        if data.get("decision") == CaseDecision.MEASURE and not data.get("measure_kind"):
            self.add_error("measure_kind", _("请选择处置措施"))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        kwargs = {"decision": d["decision"], "articles": d.get("articles") or [], "reason": d.get("reason") or "",
                  "label_domain": d.get("label_domain") or None}
        if d["decision"] == CaseDecision.MEASURE:
            kwargs["measure"] = {"kind": d.get("measure_kind") or "", "functions": d.get("measure_functions") or [],
                                 "expires_at": d.get("measure_expires_at")}
        return kwargs


class NoteForm(forms.Form):
    text = forms.CharField(label=_("内部备注（仅员工可见，不会写入通知）"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("改派给"), queryset=get_user_model().objects.none(),
                                      empty_label=_("— 选择处理人 —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (get_user_model().objects.filter(
            is_active=True, groups__name__in=["moderator", "supervisor"]).distinct().order_by("username"))


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("释放原因"), required=False, max_length=300)


class MeasureForm(forms.Form):
    """Apply an Art 17 measure to an account (outside a case)."""

    kind = forms.ChoiceField(label=_("措施"), choices=MeasureKind.choices)
    legal_basis = forms.MultipleChoiceField(label=_("依据条款"), choices=ARTICLE_CHOICES,
                                            widget=forms.SelectMultiple(attrs={"size": 5}))
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    functions = forms.MultipleChoiceField(label=_("限制的功能（限制账号功能时）"), choices=RestrictFunction.choices,
                                          required=False, widget=forms.CheckboxSelectMultiple)
    expires_at = forms.DateTimeField(label=_("到期时间 / 改正期限"), required=False, widget=DATETIME_INPUT,
                                     help_text=_("暂停、限制可选；限期改正必填；关闭、禁止重新注册、警示不设"))

    def clean_expires_at(self):
        return _local(self.cleaned_data.get("expires_at"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LiftForm(ReasonForm):
    reversal = forms.BooleanField(label=_("属于错误处置，撤销并恢复信用分"), required=False)


class BulkForm(forms.Form):
    ACTIONS = [("approve", _("批量通过")), ("reject", _("批量驳回")), ("release", _("批量释放"))]

    action = forms.ChoiceField(label=_("批量操作"), choices=ACTIONS)
    case = forms.TypedMultipleChoiceField(label=_("工单"), coerce=int, choices=(), required=False)
    articles = forms.MultipleChoiceField(label=_("依据条款"), choices=ARTICLE_CHOICES, required=False)
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000)
    template = forms.ModelChoiceField(label=_("理由模板"), queryset=ReasonTemplate.objects.filter(is_active=True),
                                      required=False, empty_label=_("（不用模板）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = self.data.getlist("case") if hasattr(self.data, "getlist") else []
        self.fields["case"].choices = [(i, i) for i in ids if str(i).isdigit()]

    def clean(self):
        data = super().clean()
        template = data.get("template")
        if template is not None:  # a reason template fills what was left empty
            data["reason"] = (data.get("reason") or "").strip() or template.text
            data["articles"] = data.get("articles") or [template.article]
        if not data.get("case"):
            self.add_error("case", _("请先勾选工单"))
        if data.get("action") == "reject":
            if not data.get("articles"):
                self.add_error("articles", _("驳回须注明依据条款"))
            if len((data.get("reason") or "").strip()) < 2:
                self.add_error("reason", _("驳回须填写理由"))
        return data


class PauseForm(forms.Form):
    scope = forms.ChoiceField(label=_("暂停范围"), choices=PauseScope.choices)
    account_kind = forms.ChoiceField(label=_("用户类型"), choices=PauseKind.choices, initial=PauseKind.ALL)
    reason = forms.CharField(label=_("原因（会在接口 503 响应中返回）"), max_length=300)
    ends_at = forms.DateTimeField(label=_("结束时间（可选）"), required=False, widget=DATETIME_INPUT)

    def clean_ends_at(self):
        return _local(self.cleaned_data.get("ends_at"))


# Offered as suggestions for a term's category (free text stays possible). Some categories
# change how a term is used: a place or brand prefix composes with suffixes, and Art 11
# qualification domains ask for the matching qualification.
RULE_CATEGORY_SUGGESTIONS = [
    ("organ", _("党政军机关名称")), ("media", _("新闻媒体名称")), ("news_word", _("新闻属性用语")),
    ("social_org", _("社会组织、人民团体")), ("intl_org", _("国际组织")), ("strict", _("从严核验用语")),
    ("exaggeration", _("夸大、名不副实")), ("fraud", _("诈骗")), ("gambling", _("赌博")), ("porn", _("色情")),
    ("drugs", _("毒品")), ("privacy", _("侵犯隐私")), ("landmark", _("重要地理名称（作前缀，与后缀组合）")),
    ("division", _("行政区划（作前缀，与机关后缀组合）")), ("brand", _("品牌（作前缀）")),
    ("news", _("资质：新闻")), ("publishing", _("资质：出版")), ("economy", _("资质：经济金融")),
    ("education", _("资质：教育")), ("medical", _("资质：医疗卫生")), ("judicial", _("资质：司法")),
]


class RuleTermForm(forms.Form):
    term = forms.CharField(label=_("词条"), max_length=100)
    allow = forms.BooleanField(label=_("白名单（允许，而非拦截）"), required=False)
    category = forms.CharField(label=_("类别"), max_length=40, widget=forms.TextInput(attrs={"list": "rule-categories"}),
                               help_text=_("可从建议中选择，也可自行填写；“资质：…”类别须配合第十一条"))
    article = forms.ChoiceField(label=_("条款"), choices=[(a, a) for a in RULE_ARTICLES])
    severity = forms.ChoiceField(label=_("级别"), choices=[c for c in Decision.choices if c[0] != "allow"],
                                 initial=Decision.REVIEW)
    homophone = forms.BooleanField(label=_("谐音敏感（同音字变体也命中）"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class TryForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    bio = forms.CharField(label=_("简介"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    account_type = forms.ChoiceField(label=_("用户类型"), choices=[("individual", _("个人")), ("organization", _("机构"))],
                                     required=False)


class ReasonTemplateForm(forms.ModelForm):
    class Meta:
        model = ReasonTemplate
        fields = ["article", "title", "text", "is_active"]
        widgets = {"article": forms.Select(choices=ARTICLE_CHOICES), "text": forms.Textarea(attrs={"rows": 4})}
