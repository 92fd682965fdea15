"""Database helpers shared by migrations: append-only tables enforced by PostgreSQL itself."""

from __future__ import annotations

from typing import Any

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION platform_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class AppendOnlyTable(migrations.operations.base.Operation):
    """Make `table` append-only on PostgreSQL: UPDATE and DELETE raise. A no-op on other databases.

    Use in a migration: `operations = [AppendOnlyTable("hazards_hazardtransition")]`.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(FUNCTION_SQL, params=None)
        schema_editor.execute(
            f'DROP TRIGGER IF EXISTS "{self.table}_append_only" ON "{self.table}";'
            f'CREATE TRIGGER "{self.table}_append_only" BEFORE UPDATE OR DELETE ON "{self.table}" '
            "FOR EACH ROW EXECUTE FUNCTION platform_refuse_change();",
            params=None,
        )

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{self.table}_append_only" ON "{self.table}";')

    def describe(self) -> str:
        return f"Make {self.table} append-only on PostgreSQL"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.table], {})
