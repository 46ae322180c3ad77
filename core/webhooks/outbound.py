"""Outbound safety for webhook URLs, and the one HTTP request a delivery attempt makes.

A webhook URL is typed by a person and later called by our servers, so it must not become a way
to reach what only those servers can reach (server-side request forgery): the database, Redis, an
admin port on localhost, the cloud metadata service. A URL is refused when its host resolves to
a loopback, private, link-local, shared (CGNAT), reserved, multicast or cloud-metadata address,
unless ``WEBHOOK_ALLOWED_NETWORKS`` (``QINGLANG_WEBHOOK_ALLOW_NETWORKS``) names it. In
production only ``https://`` is accepted (``WEBHOOK_REQUIRE_HTTPS``).

The check runs when a URL is saved and again before every attempt, since DNS can change; the
request then connects to the very address that was checked (the host name still goes in the
``Host`` header and TLS SNI), so a second lookup cannot swap it. A delivery follows no redirect,
has a connect and a read timeout, and reads at most ``WEBHOOK_MAX_RESPONSE_BYTES`` of the answer.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ServiceError

# Cloud metadata services: AWS/GCP/Azure/Huawei (169.254.169.254), Tencent Cloud (169.254.0.23),
# Alibaba Cloud (100.100.100.200), AWS over IPv6. Only an allow-list entry naming the single
# address lets one through (a broad allowed network never does).
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.0.23", "100.100.100.200", "fd00:ec2::254"))

# Machine keys stored on attempts (records), and their words for screens.
ERROR_WORDS = {
    "https_required": gettext_lazy("须使用 https"),
    "bad_url": gettext_lazy("地址格式错误"),
    "dns": gettext_lazy("无法解析主机名"),
    "unsafe_address": gettext_lazy("解析到内网或保留地址，已拒绝"),
    "connect": gettext_lazy("连接失败"),
    "timeout": gettext_lazy("超时"),
    "tls": gettext_lazy("TLS 证书或握手错误"),
    "protocol": gettext_lazy("响应不是有效的 HTTP"),
    "redirect": gettext_lazy("对方返回重定向（不跟随）"),
    "http_status": gettext_lazy("对方返回非 2xx 状态码"),
    "interrupted": gettext_lazy("进程在发送后中断，结果未知"),
    "client_disabled": gettext_lazy("客户端已停用或未配置回调地址"),
    "no_secret": gettext_lazy("客户端没有签名密钥"),
}


def _address_kind(ip) -> str | None:
    """Why an address may not be called (words), or None for a public address."""
    if ip in METADATA_ADDRESSES:
        return _("云服务器元数据地址")
    if ip.is_loopback or ip.is_unspecified:  # 0.0.0.0 and :: reach this very machine
        return _("回环地址")
    if ip.is_link_local:
        return _("链路本地地址")
    if ip.is_reserved:
        return _("保留或非公网地址")
    if ip.is_private:
        return _("内网地址")
    if ip.is_multicast:
        return _("组播地址")
    if not ip.is_global:
        return _("保留或非公网地址")
    return None


def _allowed(ip) -> bool:
    for net in settings.WEBHOOK_ALLOWED_NETWORKS:
        if ip in net and (ip not in METADATA_ADDRESSES or net.num_addresses == 1):
            return True
    return False


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the request connects to


def check_url(url: str) -> Target:
    """Refuse a URL our servers must not call (ServiceError on ``webhook_url``); else where to connect."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ServiceError(_("回调地址格式不正确"), field="webhook_url", code="bad_url") from None
    allowed_schemes = ("https",) if settings.WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in allowed_schemes:
        message = (_("回调地址须以 https:// 开头") if settings.WEBHOOK_REQUIRE_HTTPS
                   else _("回调地址须以 https:// 或 http:// 开头"))
        raise ServiceError(message, field="webhook_url", code="https_required")
    if parts.username or parts.password:
        raise ServiceError(_("回调地址不能包含用户名或密码"), field="webhook_url", code="bad_url")
    host = parts.hostname
    if not host:
        raise ServiceError(_("回调地址缺少主机名"), field="webhook_url", code="bad_url")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ServiceError(_("无法解析回调地址的主机名 %(host)s") % {"host": host}, field="webhook_url",
                           code="dns") from None
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        ip = getattr(ip, "ipv4_mapped", None) or ip
        kind = _address_kind(ip)
        if kind and not _allowed(ip):
            # One forbidden address refuses the URL: a host may not mix public and private answers.
            raise ServiceError(
                _("回调地址 %(host)s 解析到 %(address)s（%(kind)s），不允许向其发送通知；如确需使用，请由运维在 "
                  "QINGLANG_WEBHOOK_ALLOW_NETWORKS 中列出该地址段") % {"host": host, "address": ip, "kind": kind},
                field="webhook_url", code="unsafe_address")
        addresses.append(str(ip))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, connect_timeout: float, read_timeout: float):
        super().__init__(target.host, target.port, timeout=connect_timeout)
        self._address, self._read_timeout = target.address, read_timeout

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.settimeout(self._read_timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, connect_timeout: float, read_timeout: float):
        super().__init__(target.host, target.port, timeout=connect_timeout, context=ssl.create_default_context())
        self._address, self._read_timeout = target.address, read_timeout

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        self.sock.settimeout(self._read_timeout)


@dataclass
class Response:
    status_code: int | None = None
    excerpt: str = ""
    error_code: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_code and self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST once: the URL checked again, no redirects, bounded time and answer; never raises for
    what the receiver or the network does (the answer says what went wrong)."""
    started = time.perf_counter()
    try:
        result = _post(check_url(url), body, headers)
    except ServiceError as exc:
        result = Response(error_code=exc.code, error=exc.message[:300])
    except TimeoutError as exc:
        result = Response(error_code="timeout", error=f"{type(exc).__name__}: {exc}"[:300])
    except ssl.SSLError as exc:  # before OSError: it is one
        result = Response(error_code="tls", error=f"{type(exc).__name__}: {exc}"[:300])
    except http.client.HTTPException as exc:
        result = Response(error_code="protocol", error=f"{type(exc).__name__}: {exc}"[:300])
    except OSError as exc:
        result = Response(error_code="connect", error=f"{type(exc).__name__}: {exc}"[:300])
    result.duration_ms = int((time.perf_counter() - started) * 1000)
    return result


def _post(target: Target, body: bytes, headers: dict[str, str]) -> Response:
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = cls(target, settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT)
    try:
        conn.request("POST", target.path, body=body, headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "Qinglang-Webhooks/1", **headers})
        response = conn.getresponse()
        excerpt = response.read(settings.WEBHOOK_MAX_RESPONSE_BYTES).decode("utf-8", "replace")[:1000]
        status = response.status
    finally:
        conn.close()
    result = Response(status_code=status, excerpt=excerpt)
    if 300 <= status < 400:
        result.error_code, result.error = "redirect", f"HTTP {status}"
    elif not 200 <= status < 300:
        result.error_code, result.error = "http_status", f"HTTP {status}"
    return result
