#!/bin/sh
# First start of the PostgreSQL volume (docker-entrypoint-initdb.d): a role and database for Sira, and
# a role for Temporal, which creates its own two databases (deploy/temporal/setup-schema.sh).
# Passwords come from .env; nothing here runs again on a volume that already has data.
set -eu
psql --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set sira_password="${SIRA_DB_PASSWORD:?}" --set temporal_password="${TEMPORAL_DB_PASSWORD:?}" <<'SQL'
create role sira login password :'sira_password';
create database sira owner sira;
create role temporal login createdb password :'temporal_password';
SQL
