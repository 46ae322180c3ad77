"""One-row INSERTs for the hot write path, with each model's statement built once.

``Model.save()`` compiles its INSERT afresh on every call; on the verification pipeline (a
submission, an account, its first version and identity per registration) that compilation was a
third of the Python time of a request. ``insert()`` keeps one statement per model and writes the
row with the same field conversions the ORM uses (``pre_save`` for defaults, ``auto_now`` and
files; ``get_db_prep_save`` for adaptation), through Django's cursor so query logging and test
query counts still see it. What it leaves out: expressions as field values (refused),
``db_default`` and generated fields (none on these models), and the check that related objects
were saved first (callers pass saved ones).

A model whose rows must go through ``save()`` gets ``save(force_insert=True)`` instead: one that
overrides ``save()`` (its own or an ancestor's) or has ``pre_save``/``post_save`` receivers at
the time of the call, so adding either later can never be silently bypassed. So do databases
without ``RETURNING``.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.signals import post_save, pre_save

_plans: dict[tuple, tuple[str, list]] = {}


def _plan(model: type[models.Model], connection, with_pk: bool) -> tuple[str, list]:
    key = (model, connection.alias, with_pk)
    plan = _plans.get(key)
    if plan is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if with_pk or f is not meta.pk]
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
               f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {qn(meta.pk.column)}")
        plan = _plans[key] = (sql, fields)
    return plan


def needs_save(model: type[models.Model]) -> bool:
    """Whether writing a row of ``model`` must run ``save()``: it overrides it or has receivers."""
    return model.save is not models.Model.save or pre_save.has_listeners(model) or post_save.has_listeners(model)


def insert(obj: models.Model, *, using: str = DEFAULT_DB_ALIAS) -> models.Model:
    """INSERT ``obj`` (a new instance) and set its primary key; returns ``obj``."""
    connection = connections[using]
    if not connection.features.can_return_columns_from_insert or needs_save(type(obj)):
        obj.save(force_insert=True, using=using)
        return obj
    sql, fields = _plan(type(obj), connection, obj.pk is not None)
    params = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"fastinsert: {field.name} holds an expression; use save()")
        params.append(field.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = using
    return obj
