"""The client address behind trusted reverse proxies (core/clientip.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from core.clientip import client_ip, parse_networks


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = ()
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_untrusted_peer_cannot_claim_an_address(settings):
    settings.TRUSTED_PROXIES = parse_networks("10.0.0.0/8")
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_trusted_proxy_gives_the_client(settings):
    settings.TRUSTED_PROXIES = parse_networks("10.0.0.0/8")
    assert client_ip(_request("10.0.0.5", "36.110.1.2")) == "36.110.1.2"


def test_spoofed_left_hops_are_not_believed(settings):
    # The client wrote "1.1.1.1" itself; the proxy appended the address it saw.
    settings.TRUSTED_PROXIES = parse_networks("10.0.0.0/8, 192.168.1.1")
    assert client_ip(_request("10.0.0.5", "1.1.1.1, 36.110.1.2, 192.168.1.1")) == "36.110.1.2"


def test_malformed_hop_stops_at_the_last_vouched_address(settings):
    settings.TRUSTED_PROXIES = parse_networks("10.0.0.0/8")
    assert client_ip(_request("10.0.0.5", "not-an-ip")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5", "")) == "10.0.0.5"


def test_ipv6_proxy_and_client(settings):
    settings.TRUSTED_PROXIES = parse_networks("::1, fd00::/8")
    assert client_ip(_request("::1", "2408:8000::1")) == "2408:8000::1"


def test_ports_brackets_and_mapped_addresses(settings):
    settings.TRUSTED_PROXIES = parse_networks("10.0.0.0/8")
    assert client_ip(_request("10.0.0.5", "36.110.1.2:5555")) == "36.110.1.2"
    assert client_ip(_request("10.0.0.5", "[2408:8000::1]:443")) == "2408:8000::1"
    assert client_ip(_request("::ffff:10.0.0.5", "36.110.1.2")) == "36.110.1.2"
    assert client_ip(_request("10.0.0.5", "10.0.0.9:80, ::ffff:36.110.1.3")) == "36.110.1.3"


def test_bad_setting_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="QINGLANG_TRUSTED_PROXIES: 'ten' is not"):
        parse_networks("10.0.0.0/8, ten")

