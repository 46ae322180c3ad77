"""core.fastinsert writes the same row Model.save() would, with the statement built once."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, AccountInfoVersion
from core.fastinsert import insert
from moderation.models import ReviewCase

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _row(model, pk, exclude=("id", "uid", "created_at", "updated_at")):
    data = model.objects.filter(pk=pk).values().get()
    return {k: v for k, v in data.items() if k not in exclude}


def test_same_row_as_save_with_defaults_json_and_auto_now(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Files not yet in storage are stored by the insert, as save() does (FileField.pre_save).
    fast = Account(uid="fast-1", name="晚安小猫", bio="记录生活", name_key="晚安小猫", avatar=ContentFile(PNG, "a.png"))
    slow = Account(uid="slow-1", name="晚安小猫", bio="记录生活", name_key="晚安小猫", avatar=ContentFile(PNG, "a.png"))
    insert(fast)
    slow.save()
    assert fast.pk and not fast._state.adding and fast._state.db == "default"
    fast_row, slow_row = _row(Account, fast.pk), _row(Account, slow.pk)
    assert fast_row.pop("avatar").endswith(".png") and slow_row.pop("avatar").endswith(".png")
    assert fast_row == slow_row
    stored = Account.objects.get(pk=fast.pk)
    assert stored.updated_at is not None and stored.credit_score == 100 and stored.avatar.read() == PNG

    version = insert(AccountInfoVersion(account=fast, version=1, data={"name": "晚安小猫", "list": [1, "二"]},
                                        source="registration", actor_label="system"))
    assert AccountInfoVersion.objects.get(pk=version.pk).data == {"name": "晚安小猫", "list": [1, "二"]}


@pytest.mark.postgres
def test_explicit_primary_key_is_kept():
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence('moderation_reviewcase', 'id'))")
        new_id = cur.fetchone()[0]
    due = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    case = insert(ReviewCase(pk=new_id, subject_uid="u1", reason="registration", due_at=due, findings=[{"rule": 1}]))
    assert case.pk == new_id
    assert model_to_dict(ReviewCase.objects.get(pk=new_id), fields=["status", "priority", "findings", "due_at"]) == {
        "status": "open", "priority": 50, "findings": [{"rule": 1}], "due_at": due}


def test_one_statement_and_constraint_errors_surface_as_django_errors():
    insert(Account(uid="dup"))
    with CaptureQueriesContext(connection) as q, pytest.raises(IntegrityError), transaction.atomic():
        insert(Account(uid="dup"))
    assert sum(s["sql"].startswith("INSERT") for s in q.captured_queries) == 1
    assert Account.objects.filter(uid="dup").count() == 1


def test_expressions_are_refused():
    from django.db.models.functions import Now  # noqa: PLC0415

    with pytest.raises(TypeError, match="created_at holds an expression"):
        insert(Account(uid="expr", created_at=Now()))


@pytest.fixture
def save_calls(monkeypatch):
    """Every Model.save() call, by model name (the fast path must make none)."""
    calls = []
    original = models.Model.save

    def spy(self, *args, **kwargs):
        calls.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(models.Model, "save", spy)
    return calls


def test_plain_models_skip_save(save_calls):
    account = insert(Account(uid="plain"))
    assert account.pk and save_calls == []


@pytest.mark.parametrize("signal", [pre_save, post_save], ids=["pre_save", "post_save"])
def test_a_model_with_receivers_is_written_by_save_so_they_run(save_calls, signal):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((sender, instance.uid, kwargs.get("created")))

    signal.connect(receiver, sender=Account)
    try:
        account = insert(Account(uid="watched"))
    finally:
        signal.disconnect(receiver, sender=Account)
    assert save_calls == ["Account"]
    assert seen == [(Account, "watched", None if signal is pre_save else True)]
    assert Account.objects.get(pk=account.pk).uid == "watched" and not account._state.adding
    # Receivers for another model do not slow this one down.
    signal.connect(receiver, sender=ReviewCase)
    try:
        insert(Account(uid="unwatched"))
    finally:
        signal.disconnect(receiver, sender=ReviewCase)
    assert save_calls == ["Account"]


def test_a_model_that_overrides_save_is_written_by_it(save_calls, monkeypatch):
    def save(self, *args, **kwargs):
        self.actor_label = "set by save()"
        return models.Model.save(self, *args, **kwargs)

    monkeypatch.setattr(AccountInfoVersion, "save", save)
    account = insert(Account(uid="owner"))
    version = insert(AccountInfoVersion(account=account, version=1, data={}, source="registration", actor_label="x"))
    assert save_calls == ["AccountInfoVersion"]
    assert AccountInfoVersion.objects.get(pk=version.pk).actor_label == "set by save()"
