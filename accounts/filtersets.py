"""Account list filters, shared by the page, the CSV export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.art13 import incomplete_q
from accounts.choices import CREDIT_BANDS, AccountKind, AccountStatus
from accounts.models import Account
from accounts.selectors import has_current_qualification
from core.filters import YesNoFilter

PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
]


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索 UID / 名称"))
    status = django_filters.ChoiceFilter(choices=AccountStatus.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=AccountKind.choices, label=_("用户类型"))
    is_public_account = YesNoFilter(label=_("公众账号"))
    ip_province = django_filters.ChoiceFilter(choices=[(p, p) for p in PROVINCES], label=_("IP属地"))
    credit_band = django_filters.ChoiceFilter(
        choices=[(k, v[2]) for k, v in CREDIT_BANDS.items()], method="filter_credit", label=_("信用等级")
    )
    has_qualification = YesNoFilter(method="filter_qualification", label=_("持有有效资质"))
    art13_incomplete = YesNoFilter(method="filter_art13", label=_("公众账号信息不全 (Art 13)"))

    class Meta:
        model = Account
        fields = ["q", "status", "kind", "is_public_account", "ip_province", "credit_band", "has_qualification",
                  "art13_incomplete"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # uid: exact or prefix (index-backed); name: prefix always, substring for 2+ characters.
        cond = Q(uid=value) | Q(uid__startswith=value) | Q(name__startswith=value)
        if len(value) >= 2:
            cond |= Q(name__contains=value)
        return queryset.filter(cond)

    def filter_credit(self, queryset, name, value):
        low, high, _label = CREDIT_BANDS[value]
        return queryset.filter(credit_score__gte=low, credit_score__lt=high)

    def filter_qualification(self, queryset, name, value):
        exists = has_current_qualification()
        return queryset.filter(exists if value else ~exists)

    def filter_art13(self, queryset, name, value):
        return queryset.filter(incomplete_q()) if value else queryset.exclude(incomplete_q())
