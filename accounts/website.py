"""The official website of an organisation certification: a URL whose host is a registrable
domain (a name under a public suffix, from the Public Suffix List shipped in ``publicsuffixlist``).

"https://www.example.com.cn/about" → "example.com.cn": one live certification per such domain, so
a site's subdomains cannot be certified for a second organisation. IP addresses, bare public
suffixes ("com.cn", "github.io") and names under no known suffix ("intranet.local") are refused.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from core.errors import ServiceError


@cache
def _psl():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def registrable_domain(url: str, *, field: str = "website") -> str:
    """The registrable domain of ``url``'s host (lower case, IDNA), or a ServiceError naming ``field``."""
    url = (url or "").strip()
    if not url:
        raise ServiceError(_("官方网站为必填项"), field=field, code="required")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ServiceError(_("网址格式不正确（需以 http:// 或 https:// 开头）"), field=field) from None
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise ServiceError(_("官方网站须使用域名，不能是 IP 地址"), field=field, code="not_a_domain")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ServiceError(_("网址的域名无效"), field=field) from None
    domain = _psl().privatesuffix(host, accept_unknown=False)
    if not domain:
        raise ServiceError(_("官方网站的域名不是可注册的域名（%(host)s）") % {"host": host}, field=field,
                           code="not_a_domain")
    return domain
