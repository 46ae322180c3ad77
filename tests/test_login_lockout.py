"""Log-in lockout (django-axes) and Argon2 password hashes (issue 11 §3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client, override_settings

from core.login_lockout import cooloff, mask_ip
from core.models import AuditEntry

RIGHT = "right-pass-123"  # noqa: S105


@pytest.fixture
def clerk(db):
    return User.objects.create_user(username="clerk", password=RIGHT)


def _post(client, username, password, ip="198.51.100.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_forty_wrong_passwords_then_the_right_one_is_refused(clerk):
    client = Client()
    for i in range(40):
        _post(client, "clerk", f"wrong-{i}")
    response = _post(client, "clerk", RIGHT)
    assert response.status_code == 429
    assert not _logged_in(client)
    text = response.content.decode()
    assert "登录失败次数过多" in text and "分钟后再试" in text


def test_the_account_is_locked_from_every_address(clerk):
    for i in range(5):
        _post(Client(), "clerk", f"wrong-{i}", ip=f"198.51.100.{i + 1}")  # a new address each time
    client = Client()
    assert _post(client, "clerk", RIGHT, ip="192.0.2.200").status_code == 429
    assert not _logged_in(client)


def test_the_address_is_locked_for_every_account(clerk):
    for i in range(5):
        _post(Client(), f"guess{i}", "wrong", ip="203.0.113.9")  # a new user name each time
    client = Client()
    assert _post(client, "clerk", RIGHT, ip="203.0.113.9").status_code == 429
    other = Client()
    assert _post(other, "clerk", RIGHT, ip="203.0.113.10").status_code == 302
    assert _logged_in(other)


def test_fewer_failures_than_the_limit_still_log_in_and_reset(clerk):
    client = Client()
    for i in range(4):
        assert _post(client, "clerk", f"wrong-{i}").status_code == 200
    assert _post(client, "clerk", RIGHT).status_code == 302
    assert _logged_in(client)


def test_lockout_is_audited_per_step_without_the_address(clerk):
    for i in range(12):
        _post(Client(), "clerk", f"wrong-{i}")
    entries = list(AuditEntry.objects.filter(event="auth.locked_out").order_by("id"))
    assert [e.new["failures"] for e in entries] == [5, 10]
    assert entries[0].subject_id == str(clerk.pk)
    assert "198.51.100" not in str([e.new for e in entries])


def test_cooloff_doubles_with_further_failures(clerk):
    client = Client()
    for i in range(5):
        _post(client, "clerk", f"wrong-{i}")
    request = _post(client, "clerk", "again").wsgi_request
    first = cooloff(request)
    for i in range(10):
        _post(client, "clerk", f"more-{i}")
    request = _post(client, "clerk", "again").wsgi_request
    assert first >= timedelta(minutes=15)
    assert cooloff(request) >= 2 * first
    assert cooloff(request) <= timedelta(days=1)


def test_mask_ip():
    assert mask_ip("203.0.113.7") == "203.0.*.*"
    assert mask_ip("2001:db8::1") == "2001:db8:*"


ARGON2_FIRST = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=ARGON2_FIRST)
def test_pbkdf2_hash_is_upgraded_to_argon2_on_login(db):
    user = User.objects.create(username="old-timer")
    user.password = make_password(RIGHT, hasher="pbkdf2_sha256")
    user.save()
    client = Client()
    assert _post(client, "old-timer", RIGHT).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_settings_put_argon2_first():
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
