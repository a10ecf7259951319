#!/bin/sh
# Restores a backup made by backup-collector.sh into a new, empty collector database.
#
#   restore-collector.sh FILE DB_URL
#
# Stop the collector (systemctl stop skm-collector) before restoring over the database it uses; the
# restore refuses an SQLite file that exists or a PostgreSQL database that already has tables.
set -eu

fail() {
  echo "restore-collector.sh: $1" >&2
  exit 2
}

[ $# -eq 2 ] || fail "usage: restore-collector.sh FILE DB_URL (for example backup.db sqlite:////var/lib/skm-collector/collector.db)"
backup=$1
url=$2
[ -f "$backup" ] || fail "there is no backup file at $backup."
case "$url" in
  sqlite:///*)
    path=${url#sqlite:///}
    [ ! -e "$path" ] || fail "$path already exists; move it aside first (the restore never merges into a database)."
    "${PYTHON:-python3}" - "$backup" "$path" <<'PY'
import sqlite3, sys
source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
if source.execute("pragma integrity_check").fetchone()[0] != "ok":
    sys.exit(f"restore-collector.sh: {sys.argv[1]} is not a sound SQLite database.")
target = sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
target.close()
source.close()
PY
    ;;
  postgresql://*|postgresql+*://*|postgres://*)
    libpq_url=$(printf '%s' "$url" | sed -E 's|^postgres(ql)?(\+[a-z0-9]+)?://|postgresql://|')
    tables=$(psql --no-psqlrc --tuples-only --no-align --dbname="$libpq_url" \
      --command="select count(*) from information_schema.tables where table_schema = 'public'")
    [ "$tables" = 0 ] || fail "the database at $url already has tables; restore into a new, empty database (createdb)."
    pg_restore --no-owner --no-privileges --exit-on-error --dbname="$libpq_url" "$backup"
    ;;
  *) fail "$url is neither sqlite:///PATH nor postgresql://..." ;;
esac
echo "collector database restored from $backup"
