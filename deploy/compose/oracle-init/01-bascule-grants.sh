#!/bin/bash
# Run by the gvenzl/oracle-free image once, when it creates the database, after it created
# APP_USER in FREEPDB1: grants that user what `bascule db upgrade` needs (docs/database.md,
# Oracle), plus DROP USER and ALTER ANY TABLE for the integration tests and later schema
# versions. Then leaves the mark the compose health check waits for.
set -euo pipefail

sqlplus -s / as sysdba <<SQL
WHENEVER SQLERROR EXIT SQL.SQLCODE
ALTER SESSION SET CONTAINER = FREEPDB1;
GRANT CREATE SESSION, CREATE USER, DROP USER, CREATE ANY TABLE, ALTER ANY TABLE,
      CREATE ANY INDEX, SELECT ANY TABLE, INSERT ANY TABLE, UPDATE ANY TABLE,
      DELETE ANY TABLE TO ${APP_USER};
exit;
SQL

touch "${ORACLE_BASE:-/opt/oracle}/oradata/.bascule-grants"
