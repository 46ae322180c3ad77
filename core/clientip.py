"""The address a request really came from.

Behind a reverse proxy every request's ``REMOTE_ADDR`` is the proxy's. When the direct peer is one
of ``QINGLANG_TRUSTED_PROXIES`` (comma-separated addresses or networks), the ``X-Forwarded-For``
chain is walked from the right — the hop the trusted proxy itself appended — past further trusted
proxies; the first address not among them is the client. Without trusted proxies the header is
ignored, since any client can write it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def parse_networks(value: str, *, setting: str = "QINGLANG_TRUSTED_PROXIES",
                   ) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    nets = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{setting}: {item!r} is not an address or network") from exc
    return tuple(nets)


def _address(value: str):
    """An address from a header hop or a peer: ports (``1.2.3.4:5678``, ``[2001:db8::1]:443``)
    are dropped and IPv4-mapped IPv6 (a dual-stack listener's ``::ffff:10.0.0.2``) is unmapped."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return None
    return getattr(addr, "ipv4_mapped", None) or addr


def _trusted(addr, nets) -> bool:
    return addr is not None and any(addr in net for net in nets)


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    nets = settings.TRUSTED_PROXIES
    peer = _address(remote)
    if not nets or not _trusted(peer, nets):
        return remote
    current = str(peer)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        addr = _address(hop)
        if addr is None:
            break  # a malformed hop: keep the last address a trusted proxy vouched for
        current = str(addr)
        if not _trusted(addr, nets):
            break
    return current
