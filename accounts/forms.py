from django import forms
from django.utils.translation import gettext_lazy as _


class RevealIdentityForm(forms.Form):
    reason = forms.CharField(
        label=_("查看理由"), min_length=4, max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("例如：投诉核查 #123，需与公安协查函核对")}),
    )
