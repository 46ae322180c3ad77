"""Forms of the appeal pages: the holder's appeal (public page) and the supervisor's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.choices import AppealOutcome
from moderation.choices import MeasureKind, RestrictFunction
from moderation.services.measures import ARTICLE_CODES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class PublicAppealForm(forms.Form):
    statement = forms.CharField(label=_("申诉理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(label=_("证据图片（最多 3 张）"), required=False)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("复核结果"), choices=AppealOutcome.choices, widget=forms.RadioSelect)
    articles = forms.MultipleChoiceField(label=_("依据条款"), choices=[(c, c) for c in sorted(ARTICLE_CODES)],
                                         widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("复核理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    new_kind = forms.ChoiceField(label=_("变更为"), required=False,
                                 choices=[("", "—"), *MeasureKind.choices])
    functions = forms.MultipleChoiceField(label=_("受限功能（变更为限制账号功能时）"), required=False,
                                          choices=RestrictFunction.choices, widget=forms.CheckboxSelectMultiple)
    expires_at = forms.DateTimeField(label=_("到期时间（限期改正等）"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
