"""Migration operations shared by the apps' migrations.

``adopt_field_index`` turns a field's ``db_index=True`` into a named ``Meta.indexes`` entry
without rebuilding the index: Django would drop the field's index (and on PostgreSQL its
``varchar_pattern_ops`` twin for LIKE) and build the same index again under the new name,
blocking writes to the table for the whole build. Here the existing index is renamed and only
the LIKE twin is dropped. Where indexes cannot be renamed (SQLite) it is rebuilt, which is what
Django would do anyway.
"""

from __future__ import annotations

from django.db import migrations, models


def _single_column_indexes(schema_editor, table: str, column: str) -> list[str]:
    conn = schema_editor.connection
    with conn.cursor() as cur:
        constraints = conn.introspection.get_constraints(cur, table)
    return sorted(name for name, c in constraints.items()
                  if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == [column])


def adopt_field_index(app_label: str, model_name: str, field_name: str, field: models.Field, index_name: str):
    index = models.Index(fields=[field_name], name=index_name)

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        existing = [n for n in _single_column_indexes(schema_editor, model._meta.db_table, column) if n != index_name]
        plain = [n for n in existing if not n.endswith("_like")]
        keep = plain[0] if plain and schema_editor.connection.features.can_rename_index else None
        for name in existing:
            if name != keep:
                schema_editor.execute(schema_editor._delete_index_sql(model, name))
        if keep:
            schema_editor.execute(schema_editor._rename_index_sql(model, keep, index_name))
        else:
            schema_editor.add_index(model, index)

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        old_field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._delete_index_sql(model, index_name))
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[old_field]))
        like = getattr(schema_editor, "_create_like_index_sql", None)
        statement = like(model, old_field) if like else None
        if statement is not None:
            schema_editor.execute(statement)

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=model_name, name=field_name, field=field),
            migrations.AddIndex(model_name=model_name, index=index),
        ],
        database_operations=[migrations.RunPython(forward, backward)],
    )
