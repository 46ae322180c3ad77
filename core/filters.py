"""Filter pieces shared by the list pages."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class _AnyYesNo(forms.NullBooleanSelect):
    """Django's yes/no select offers "未知" (unknown) for the empty choice; on a filter it means "any"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", _("全部")), ("true", _("是")), ("false", _("否")))


class YesNoFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _AnyYesNo)
        super().__init__(*args, **kwargs)
