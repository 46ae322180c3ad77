"""Forms of the staff management pages (core.staff does the checking)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import roles


def role_choices() -> list[tuple[str, str]]:
    return [(r, roles.ROLE_LABELS[r]) for r in roles.ROLES]


class StaffCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, help_text=_("登录用，创建后不可修改"))
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    roles = forms.MultipleChoiceField(label=_("角色"), choices=role_choices, widget=forms.CheckboxSelectMultiple)


class StaffRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("角色"), choices=role_choices, widget=forms.CheckboxSelectMultiple)
