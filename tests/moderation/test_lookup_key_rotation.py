"""Lookup hashes have their own key (QINGLANG_LOOKUP_KEY), independent of the field keys, and the
documented rotation keeps the re-registration blocklist working (issue 11 §4, docs/security.md)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import IdentityVerification
from core import crypto
from core.crypto import generate_key
from moderation import services
from moderation.choices import MeasureKind
from moderation.models import BlockedIdentity

RIC = "110101199003071233"
OLD, NEW = generate_key(), generate_key()


@pytest.fixture
def keys(settings):
    def _use(*, field: list[str], lookup: list[str]):
        settings.FIELD_ENCRYPTION_KEYS, settings.LOOKUP_KEYS = field, lookup
        crypto.forget_keys()

    yield _use
    crypto.forget_keys()


@pytest.fixture
def banned(make_account, supervisor, supervisor2, keys):
    keys(field=[generate_key()], lookup=[OLD])
    account = make_account(uid="bad1", name="某用户", resident_id=RIC)
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.BAN_REREGISTRATION,
                               legal_basis=["8.2"], reason="冒充国家机关")
    services.measure_approve(actor=supervisor2, measure=m)
    return account


def _blocked(submit, uid: str) -> bool:
    _status, body = submit(uid, {"name": f"全新的名字{uid}"}, identity={"method": "resident_id", "number": RIC})
    return body["decision"] == "reject" and "10.3" in body["articles"]


def test_field_key_rotation_leaves_lookup_hashes_alone(banned, keys, submit, settings):
    before = IdentityVerification.objects.get(account=banned).number_hash
    keys(field=[generate_key(), *settings.FIELD_ENCRYPTION_KEYS], lookup=[OLD])  # new field key first
    assert crypto.keyed_hash("resident_id", RIC) == before
    keys(field=settings.FIELD_ENCRYPTION_KEYS[:1], lookup=[OLD])  # the old field key dropped
    assert crypto.keyed_hash("resident_id", RIC) == before
    assert _blocked(submit, "bad2")


def test_without_a_lookup_key_development_uses_the_last_field_key(keys):
    keys(field=[NEW, OLD], lookup=[])
    without = crypto.keyed_hash("mobile", "+8613800138000")
    keys(field=[NEW], lookup=[OLD])
    assert without == crypto.keyed_hash("mobile", "+8613800138000")  # how a deployment upgrades


def test_rotation_wraps_every_stored_hash_and_the_blocklist_still_refuses(banned, keys, submit, monkeypatch):
    assert _blocked(submit, "bad2")
    old_block = set(BlockedIdentity.objects.values_list("number_hash", flat=True))
    monkeypatch.setenv("QINGLANG_LOOKUP_KEY_NEXT", NEW)
    out = io.StringIO()
    call_command("rotate_lookup_key", stdout=out)
    assert "moderation.BlockedIdentity: 1 rows" in out.getvalue()
    new_block = set(BlockedIdentity.objects.values_list("number_hash", flat=True))
    assert new_block.isdisjoint(old_block)
    keys(field=[generate_key()], lookup=[OLD, NEW])  # the new key appended, as documented
    assert crypto.keyed_hash("resident_id", RIC) in new_block
    assert _blocked(submit, "bad3")
    # The same key twice would wrap the hashes twice: refused.
    with pytest.raises(CommandError):
        call_command("rotate_lookup_key", stdout=io.StringIO())


def test_rotation_needs_the_new_key_in_the_environment(db, monkeypatch):
    monkeypatch.delenv("QINGLANG_LOOKUP_KEY_NEXT", raising=False)
    with pytest.raises(CommandError, match="QINGLANG_LOOKUP_KEY_NEXT"):
        call_command("rotate_lookup_key")
