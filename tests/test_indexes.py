"""The hot write path's tables carry the indexes their lookups use, and no more (accounts 0004 and
moderation 0006 lean-index migrations); account names have a trigram index on PostgreSQL."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, table)
    return {name: c["columns"] for name, c in constraints.items()
            if (c["index"] or c["unique"]) and not c["primary_key"] and not c["foreign_key"]}


# One pending registration per uid (moderation 0009, issue 11).
PARTIAL_UNIQUE = {"uniq_pending_registration"}


@pytest.mark.parametrize(("table", "column", "name"), [
    ("accounts_account", "name_key", "account_name_key_idx"),
    ("accounts_identityverification", "number_hash", "identity_number_hash_idx"),
    ("moderation_submission", "uid", "submission_uid_idx"),
    ("moderation_submission", "identity_hash", "submission_identity_hash_idx"),
])
def test_equality_columns_have_one_plain_index(table, column, name):
    # Partial unique indexes guard an invariant on a few rows and serve no general lookup.
    on_column = [n for n, cols in _indexes(table).items() if cols == [column] and n not in PARTIAL_UNIQUE]
    assert on_column == [name]


@pytest.mark.parametrize(("table", "column"), [
    ("accounts_accountinfoversion", "account_id"),
    ("accounts_identityverification", "account_id"),
    ("moderation_submission", "client_id"),
    ("moderation_reviewcase", "assignee_id"),
])
def test_foreign_keys_are_served_by_a_composite_index(table, column):
    indexes = _indexes(table)
    assert not [n for n, cols in indexes.items() if cols == [column]]
    assert [n for n, cols in indexes.items() if len(cols) > 1 and cols[0] == column]


@pytest.mark.postgres
def test_prefix_searched_columns_keep_their_like_index():
    # Account uid is searched with startswith (account list): its LIKE index stays.
    assert any(n.endswith("_like") and cols == ["uid"] for n, cols in _indexes("accounts_account").items())


def test_account_names_have_a_trigram_index_on_postgresql_only():
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, "accounts_account")
    if connection.vendor == "postgresql":
        assert constraints["account_name_trgm"]["type"] == "gin"
        assert constraints["account_name_trgm"]["columns"] == ["name"]
    else:
        assert "account_name_trgm" not in constraints


@pytest.mark.postgres
def test_the_trigram_migration_fails_loudly_when_the_extension_cannot_be_created():
    """It used to swallow the error and leave name search without its index."""
    from django.db import ProgrammingError, transaction
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("accounts", "0003_search_indexes")
    state = executor.loader.project_state(("accounts", "0002_roles"), at_end=False)
    with pytest.raises(ProgrammingError, match="similarity"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DROP EXTENSION pg_trgm CASCADE")
            # An object the extension would create already exists: CREATE EXTENSION fails.
            cur.execute("CREATE FUNCTION similarity(text, text) RETURNS real LANGUAGE sql AS 'SELECT 0::real'")
        with connection.schema_editor(atomic=False) as editor:
            migration.apply(state, editor)
    assert "account_name_trgm" in _indexes("accounts_account")  # rolled back with the failed attempt
