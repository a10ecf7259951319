#!/bin/sh
# A consistent backup of the collector database while the collector keeps running.
#
#   backup-collector.sh DB_URL FILE
#
# sqlite:///PATH    -> FILE is an SQLite database (SQLite's online backup: a consistent copy even
#                      while kiosks upload)
# postgresql://...  -> FILE is a pg_dump archive in custom format (pg_restore reads it)
# The survey-link secret lives in the database, so the printed QR posters keep working after a restore.
set -eu

fail() {
  echo "backup-collector.sh: $1" >&2
  exit 2
}

[ $# -eq 2 ] || fail "usage: backup-collector.sh DB_URL FILE (for example sqlite:////var/lib/skm-collector/collector.db backup.db)"
url=$1
out=$2
[ ! -e "$out" ] || fail "$out already exists; choose a new file name, a backup never overwrites another."
case "$url" in
  sqlite:///*)
    path=${url#sqlite:///}
    [ -f "$path" ] || fail "there is no collector database at $path."
    "${PYTHON:-python3}" - "$path" "$out" <<'PY'
import sqlite3, sys
source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
target = sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
target.close()
source.close()
PY
    ;;
  postgresql://*|postgresql+*://*|postgres://*)
    # SQLAlchemy's driver suffix (postgresql+psycopg://) means nothing to libpq.
    libpq_url=$(printf '%s' "$url" | sed -E 's|^postgres(ql)?(\+[a-z0-9]+)?://|postgresql://|')
    pg_dump --format=custom --no-owner --no-privileges --file="$out" "$libpq_url"
    ;;
  *) fail "$url is neither sqlite:///PATH nor postgresql://..." ;;
esac
echo "backup of the collector database written to $out"
