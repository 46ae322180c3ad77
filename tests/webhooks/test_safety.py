"""Outbound safety: webhook URLs that would let a person aim our servers at the database, Redis,
localhost or the cloud metadata service are refused, at save and again at delivery."""

from __future__ import annotations

import socket

import pytest

from core.clientip import parse_networks
from core.clients import api_client_create, api_client_update
from core.errors import ServiceError
from core.models import WebhookAttempt
from core.webhooks import delivery_attempt, outbound, webhook_send


@pytest.fixture
def no_allow_list(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ()


@pytest.mark.parametrize(("url", "words"), [
    ("http://127.0.0.1:6379/", "回环地址"),
    ("http://localhost/hooks", "回环地址"),
    ("http://[::1]:8000/", "回环地址"),
    ("http://[::ffff:127.0.0.1]/", "回环地址"),
    ("http://10.0.0.5/", "内网地址"),
    ("http://192.168.1.20/", "内网地址"),
    ("http://172.16.0.1/", "内网地址"),
    ("http://169.254.169.254/latest/meta-data/", "云服务器元数据地址"),
    ("http://100.100.100.200/latest/meta-data/", "云服务器元数据地址"),
    ("http://169.254.10.1/", "链路本地地址"),
    ("http://100.64.1.1/", "保留或非公网地址"),
    ("http://0.0.0.0/", "回环地址"),
    ("http://240.0.0.1/", "保留或非公网地址"),
    ("http://224.0.0.1/", "组播地址"),
])
def test_private_and_metadata_addresses_are_refused(no_allow_list, url, words):
    with pytest.raises(ServiceError) as refused:
        outbound.check_url(url)
    assert refused.value.field == "webhook_url" and refused.value.code == "unsafe_address"
    assert words in refused.value.message and "QINGLANG_WEBHOOK_ALLOW_NETWORKS" in refused.value.message


@pytest.mark.parametrize(("url", "code"), [
    ("ftp://1.1.1.1/x", "https_required"),
    ("https://user:pw@1.1.1.1/x", "bad_url"),
    ("https:///nohost", "bad_url"),
    ("https://1.1.1.1:99999/", "bad_url"),
    ("https://no-such-host.invalid/x", "dns"),
])
def test_malformed_urls_are_refused_with_their_reason(no_allow_list, url, code):
    with pytest.raises(ServiceError) as refused:
        outbound.check_url(url)
    assert refused.value.code == code and refused.value.field == "webhook_url"


def test_production_accepts_only_https(settings):
    settings.WEBHOOK_REQUIRE_HTTPS = True
    with pytest.raises(ServiceError, match="https://"):
        outbound.check_url("http://1.1.1.1/hooks")
    target = outbound.check_url("https://1.1.1.1/hooks?x=1")
    assert (target.scheme, target.address, target.port, target.path) == ("https", "1.1.1.1", 443, "/hooks?x=1")


def test_the_allow_list_lets_named_networks_through_but_never_metadata_by_a_broad_network(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = parse_networks("10.0.0.0/8,169.254.0.0/16", setting="x")
    assert outbound.check_url("http://10.1.2.3/hooks").address == "10.1.2.3"
    assert outbound.check_url("http://169.254.10.1/").address == "169.254.10.1"
    with pytest.raises(ServiceError, match="云服务器元数据地址"):
        outbound.check_url("http://169.254.169.254/")
    settings.WEBHOOK_ALLOWED_NETWORKS = parse_networks("169.254.169.254/32", setting="x")
    assert outbound.check_url("http://169.254.169.254/").address == "169.254.169.254"


def test_a_host_with_one_private_answer_is_refused(no_allow_list, monkeypatch):
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("1.1.1.1", 443)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 443))]
    monkeypatch.setattr(outbound.socket, "getaddrinfo", lambda *a, **k: answers)
    with pytest.raises(ServiceError, match="10.0.0.1"):
        outbound.check_url("https://mixed.example.test/")


def test_a_private_url_is_refused_when_saved(db, no_allow_list):
    with pytest.raises(ServiceError) as refused:
        api_client_create(actor=None, name="p", scopes=["notices:read"], webhook_url="http://127.0.0.1:8000/x")
    assert refused.value.field == "webhook_url"
    client, _token = api_client_create(actor=None, name="p", scopes=["notices:read"])
    with pytest.raises(ServiceError):
        api_client_update(actor=None, client=client, scopes=["notices:read"], webhook_url="http://10.0.0.8/")


def test_the_address_is_checked_again_at_delivery(hooked, settings):
    """DNS (or the allow-list) can change after the URL was saved: nothing is sent to a now-private address."""
    client, _token, receiver = hooked()
    settings.WEBHOOK_ALLOWED_NETWORKS = ()
    event = webhook_send("webhook.test", {"message": "x"}, client=client, follow_up=False)
    attempt = delivery_attempt(delivery_id=event.deliveries.get().pk, follow_up=False)
    assert attempt.outcome == WebhookAttempt.Outcome.FAILED and attempt.error_code == "unsafe_address"
    assert receiver.requests == []


def test_the_request_goes_to_the_checked_address_with_the_host_name(hooked, monkeypatch):
    """The address checked is the address connected to (no second lookup to swap it); the name
    still goes in the Host header, as it would in TLS SNI."""
    client, _token, receiver = hooked()
    port = receiver.server.server_port
    client.webhook_url = f"http://hooks.platform.test:{port}/in"
    client.save()
    lookups = []

    def getaddrinfo(host, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(outbound.socket, "getaddrinfo", getaddrinfo)
    event = webhook_send("webhook.test", {"message": "x"}, client=client, follow_up=False)
    attempt = delivery_attempt(delivery_id=event.deliveries.get().pk, follow_up=False)
    assert attempt.outcome == WebhookAttempt.Outcome.SUCCEEDED
    assert lookups.count("hooks.platform.test") == 1 and set(lookups) <= {"hooks.platform.test", "127.0.0.1"}
    assert receiver.requests[0].headers["host"] == f"hooks.platform.test:{port}"
