#!/bin/sh
# Temporal's persistence and visibility databases on PostgreSQL, created if missing and migrated to
# the schema of this admin-tools version (run it with the same version as temporalio/server).
# Safe to run on every start: setup-schema keeps an existing version, update-schema only goes forward.
set -eu
: "${POSTGRES_SEEDS:?the PostgreSQL host}" "${POSTGRES_USER:?Temporal's database role}" "${POSTGRES_PWD:?its password}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA_DIR="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
# temporal-sql-tool takes the password from the environment rather than the command line.
export SQL_PASSWORD="$POSTGRES_PWD"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --endpoint "$POSTGRES_SEEDS" --port "$DB_PORT" --user "$POSTGRES_USER" "$@"
}

for target in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  database="${target%%:*}"
  schema="${target##*:}"
  echo "== $database ($schema schema)"
  sql_tool --database "$database" create-database || echo "(not created: it exists already, or see the error above)"
  sql_tool --database "$database" setup-schema -v 0.0
  sql_tool --database "$database" update-schema -d "$SCHEMA_DIR/$schema/versioned"
done
echo "Temporal's schemas are up to date"
