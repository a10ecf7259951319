"""The collector's schema as numbered migrations, applied at start-up, each in one transaction with its record.

Plain SQL that SQLite and PostgreSQL both accept. Times are ISO 8601 UTC text (they sort as text);
a response keeps its canonical wire JSON in `body`, the columns beside it exist for queries.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

# Any fixed number: several collector processes starting at once take turns on PostgreSQL.
_PG_LOCK = 0x534B4D

# What a kiosk's heartbeat reports (collector/heartbeat.py), kept as the latest and as history.
_HEARTBEAT_COLUMNS = """received_at TEXT NOT NULL,
    app_version TEXT NOT NULL,
    pending INTEGER NOT NULL,
    sent INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    oldest_pending_age_s DOUBLE PRECISION,
    last_error_code TEXT,
    device_time TEXT NOT NULL,
    clock_offset_s DOUBLE PRECISION NOT NULL,
    uptime_s DOUBLE PRECISION,
    storage_free_bytes BIGINT,
    battery_percent DOUBLE PRECISION"""

# A step is SQL text, or a function of the connection for what SQL alone cannot do (filling the totals).
MIGRATIONS: list[tuple[int, str, list[Any]]] = [
    (1, "offices, services, kiosks, enrolment codes, admins, responses", [
        """CREATE TABLE offices (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            timezone TEXT NOT NULL,
            logo TEXT,
            settings TEXT NOT NULL DEFAULT '{}',
            pin_hash TEXT,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE services (
            office_id TEXT NOT NULL REFERENCES offices (id),
            id TEXT NOT NULL,
            name_id TEXT NOT NULL,
            name_en TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (office_id, id)
        )""",
        """CREATE TABLE kiosks (
            id TEXT PRIMARY KEY,
            office_id TEXT NOT NULL REFERENCES offices (id),
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            last_seen_at TEXT
        )""",
        """CREATE TABLE enroll_codes (
            code_hash TEXT PRIMARY KEY,
            office_id TEXT NOT NULL REFERENCES offices (id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            kiosk_id TEXT REFERENCES kiosks (id)
        )""",
        """CREATE TABLE admins (
            name TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE responses (
            id TEXT PRIMARY KEY,
            office_id TEXT NOT NULL REFERENCES offices (id),
            service_id TEXT,
            kiosk_id TEXT REFERENCES kiosks (id),
            channel TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            local_date TEXT NOT NULL,
            complete BOOLEAN NOT NULL,
            body TEXT NOT NULL,
            received_at TEXT NOT NULL
        )""",
        "CREATE INDEX responses_office_date ON responses (office_id, local_date)",
        "CREATE INDEX responses_kiosk ON responses (kiosk_id)",
    ]),
    (2, "collector settings (the survey-link secret)", [
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]),
    (3, "admins limited to some offices (none listed: every office)", [
        """CREATE TABLE admin_offices (
            admin TEXT NOT NULL REFERENCES admins (name),
            office_id TEXT NOT NULL REFERENCES offices (id),
            PRIMARY KEY (admin, office_id)
        )""",
    ]),
    (4, "kiosk heartbeats: the latest per kiosk and a short history", [
        f"CREATE TABLE kiosk_status (kiosk_id TEXT PRIMARY KEY REFERENCES kiosks (id), {_HEARTBEAT_COLUMNS})",
        f"CREATE TABLE kiosk_heartbeats (kiosk_id TEXT NOT NULL REFERENCES kiosks (id), {_HEARTBEAT_COLUMNS})",
        "CREATE INDEX kiosk_heartbeats_kiosk_time ON kiosk_heartbeats (kiosk_id, received_at)",
    ]),
    (5, "rate counters per key and window; login failures; admin sessions", [
        # Shared by every collector process on the database: limits hold behind a load balancer.
        """CREATE TABLE rate_counters (
            key TEXT NOT NULL,
            window_start BIGINT NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (key, window_start)
        )""",
        "CREATE INDEX rate_counters_window ON rate_counters (window_start)",
        """CREATE TABLE login_failures (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failure BIGINT NOT NULL
        )""",
        """CREATE TABLE admin_sessions (
            id_hash TEXT PRIMARY KEY,
            admin TEXT NOT NULL REFERENCES admins (name),
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )""",
    ]),
    (6, "flags the collector sets (clock), voiding, and the append-only audit log", [
        # "clock" when the device's time could not be believed (collector/received.py); comma-separated.
        "ALTER TABLE responses ADD COLUMN collector_flags TEXT NOT NULL DEFAULT ''",
        # Set while a response is voided (taken out of the count, never deleted); the audit log says why.
        "ALTER TABLE responses ADD COLUMN voided_at TEXT",
        """CREATE TABLE audit_log (
            id TEXT PRIMARY KEY,
            office_id TEXT NOT NULL REFERENCES offices (id),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            response_id TEXT,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX audit_log_office_at ON audit_log (office_id, at)",
    ]),
    (7, "alert rules and their alerts (one open alert per rule and subject)", [
        """CREATE TABLE alert_rules (
            id TEXT PRIMARY KEY,
            office_id TEXT NOT NULL REFERENCES offices (id),
            service_id TEXT,
            kind TEXT NOT NULL,
            share DOUBLE PRECISION,
            window_min INTEGER,
            min_count INTEGER,
            threshold DOUBLE PRECISION,
            webhook_url TEXT,
            email TEXT,
            created_at TEXT NOT NULL,
            removed_at TEXT
        )""",
        "CREATE INDEX alert_rules_office ON alert_rules (office_id)",
        # open_key is "rule/subject" while the alert is open and NULL once closed: the unique index lets
        # exactly one collector process open an episode, however many evaluate the rule at once.
        """CREATE TABLE alerts (
            id TEXT PRIMARY KEY,
            rule_id TEXT NOT NULL REFERENCES alert_rules (id),
            office_id TEXT NOT NULL REFERENCES offices (id),
            subject TEXT NOT NULL,
            open_key TEXT UNIQUE,
            facts TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            acknowledged_at TEXT,
            acknowledged_by TEXT,
            ack_note TEXT,
            delivery TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            lease_until TEXT,
            delivered_at TEXT,
            last_error TEXT
        )""",
        "CREATE INDEX alerts_office_opened ON alerts (office_id, opened_at)",
        "CREATE INDEX alerts_delivery ON alerts (delivery, next_attempt_at)",
        # The unhappy-share and IKM windows read an office's latest responses by submission time.
        "CREATE INDEX responses_office_submitted ON responses (office_id, submitted_at)",
    ]),
    (8, "rencana tindak lanjut per office and period; whether an office publishes its results", [
        # collector/followup.py: never deleted, a dropped action keeps status 'dropped'.
        """CREATE TABLE followups (
            id TEXT PRIMARY KEY,
            office_id TEXT NOT NULL REFERENCES offices (id),
            period TEXT NOT NULL,
            unsur TEXT NOT NULL,
            action TEXT NOT NULL,
            quarter TEXT NOT NULL,
            person TEXT NOT NULL,
            status TEXT NOT NULL,
            note TEXT NOT NULL,
            forum_date TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        )""",
        "CREATE INDEX followups_office_period ON followups (office_id, period)",
        # collector/publication.py: no row means published (the regulation asks every office to publish).
        """CREATE TABLE publication (
            office_id TEXT PRIMARY KEY REFERENCES offices (id),
            public BOOLEAN NOT NULL,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL
        )""",
    ]),
    (9, "regions (kabupaten, kota, provinsi) and the region of an office", [
        # A kabupaten or kota may sit in a provinsi (parent_id): the province's overview takes in theirs.
        """CREATE TABLE regions (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            parent_id TEXT REFERENCES regions (id),
            created_at TEXT NOT NULL
        )""",
        "ALTER TABLE offices ADD COLUMN region_id TEXT REFERENCES regions (id)",
        "CREATE INDEX offices_region ON offices (region_id)",
    ]),
    (10, "exact running totals of the responses (collector/totals.py)", [
        # service_id '' for none (a primary key column cannot be NULL); "class": the counting class.
        """CREATE TABLE totals_respondents (
            office_id TEXT NOT NULL, service_id TEXT NOT NULL, local_date TEXT NOT NULL,
            channel TEXT NOT NULL, "class" TEXT NOT NULL,
            n BIGINT NOT NULL,
            PRIMARY KEY (office_id, service_id, local_date, channel, "class")
        )""",
        """CREATE TABLE totals_unsur (
            office_id TEXT NOT NULL, service_id TEXT NOT NULL, local_date TEXT NOT NULL,
            channel TEXT NOT NULL, "class" TEXT NOT NULL,
            unsur TEXT NOT NULL, answered BIGINT NOT NULL, score_sum BIGINT NOT NULL,
            PRIMARY KEY (office_id, service_id, local_date, channel, "class", unsur)
        )""",
        """CREATE TABLE totals_profile (
            office_id TEXT NOT NULL, service_id TEXT NOT NULL, local_date TEXT NOT NULL,
            channel TEXT NOT NULL, "class" TEXT NOT NULL,
            field TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL,
            PRIMARY KEY (office_id, service_id, local_date, channel, "class", field, value)
        )""",
    ]),
    (11, "moderation state of the respondents' comments (collector/suggestions.py)", [
        # No row: a comment nobody has moderated yet ("new"). Rows are changed, never deleted; each
        # change is also a line of the audit log.
        """CREATE TABLE suggestion_states (
            response_id TEXT PRIMARY KEY REFERENCES responses (id),
            office_id TEXT NOT NULL REFERENCES offices (id),
            state TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL
        )""",
    ]),
    (12, "why a kiosk cannot save now, from its heartbeat", [
        "ALTER TABLE kiosk_status ADD COLUMN storage_problem TEXT",
        "ALTER TABLE kiosk_heartbeats ADD COLUMN storage_problem TEXT",
    ]),
    (13, "running totals per local hour; the totals filled from the stored responses", [
        # unsur '': the respondents of the hour (n); otherwise n answers of that unsur and their sum.
        """CREATE TABLE totals_hourly (
            office_id TEXT NOT NULL, service_id TEXT NOT NULL, local_date TEXT NOT NULL,
            local_hour INTEGER NOT NULL, "class" TEXT NOT NULL, unsur TEXT NOT NULL,
            n BIGINT NOT NULL, score_sum BIGINT NOT NULL,
            PRIMARY KEY (office_id, service_id, local_date, local_hour, "class", unsur)
        )""",
        # A database upgraded from before the totals (or from migration 10, which left them empty and
        # counted no hours, no "*" and no unreadable rows) gets them from its raw rows, with no rebuild by hand.
        lambda conn: _fill_totals(conn),
    ]),
    (14, "short codes for survey links, typed from a printed poster (collector/shortlinks.py)", [
        # service_id '' for an office-wide link; one code per link, one link per code.
        """CREATE TABLE short_links (
            code TEXT PRIMARY KEY, office_id TEXT NOT NULL, service_id TEXT NOT NULL, created_at TEXT NOT NULL,
            UNIQUE (office_id, service_id)
        )""",
    ]),
    (15, "the survey's team, decree and schedule per office and period; photos for the report's dokumentasi", [
        # collector/survey_plan.py: one row per office and period (the decree of the team, the four stages' dates).
        """CREATE TABLE survey_plans (
            office_id TEXT NOT NULL REFERENCES offices (id),
            period TEXT NOT NULL,
            decree_number TEXT NOT NULL,
            decree_date TEXT,
            preparation_from TEXT, preparation_to TEXT,
            collection_from TEXT, collection_to TEXT,
            processing_from TEXT, processing_to TEXT,
            reporting_from TEXT, reporting_to TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (office_id, period)
        )""",
        """CREATE TABLE survey_team (
            id TEXT PRIMARY KEY,
            office_id TEXT NOT NULL REFERENCES offices (id),
            period TEXT NOT NULL,
            name TEXT NOT NULL,
            position TEXT NOT NULL,
            role TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        )""",
        "CREATE INDEX survey_team_office_period ON survey_team (office_id, period)",
        # collector/report_photos.py: the image bytes in the database, so every collector behind a load balancer
        # serves them and a database copy (kiosk admin copy-db) carries them. BYTEA: SQLite keeps a blob as is.
        """CREATE TABLE report_photos (
            id TEXT PRIMARY KEY,
            office_id TEXT NOT NULL REFERENCES offices (id),
            period TEXT NOT NULL,
            caption TEXT NOT NULL,
            media_type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            data BYTEA NOT NULL,
            uploaded_at TEXT NOT NULL,
            uploaded_by TEXT NOT NULL
        )""",
        "CREATE INDEX report_photos_office_period ON report_photos (office_id, period)",
    ]),
    (16, "responses per kiosk of an office from an index alone (kiosk list, fleet)", [
        # (office_id, kiosk_id) covers "how many responses has each kiosk of this office sent": without it
        # the kiosk list and the fleet page read every row of a large office (docs/query-plans.md).
        "CREATE INDEX responses_office_kiosk ON responses (office_id, kiosk_id)",
    ]),
    (17, "room on the running totals' pages for in-place updates (PostgreSQL)", [
        lambda conn: _totals_fillfactor(conn),
    ]),
    (18, "running totals per local month, weekday and hour (the heat map of a year in a few thousand rows)", [
        # month: the office-local "YYYY-MM"; weekday 0 = Monday; unsur '' the respondents, as in totals_hourly.
        """CREATE TABLE totals_weekhour (
            office_id TEXT NOT NULL, month TEXT NOT NULL, weekday INTEGER NOT NULL, local_hour INTEGER NOT NULL,
            "class" TEXT NOT NULL, unsur TEXT NOT NULL, n BIGINT NOT NULL, score_sum BIGINT NOT NULL,
            PRIMARY KEY (office_id, month, weekday, local_hour, "class", unsur)
        )""",
        # Filled from totals_hourly (itself exact, from the raw rows since migration 13): the same sums
        # regrouped, without reading a response again.
        lambda conn: _fill_weekhour(conn),
    ]),
    (19, "running totals per local month (a report over whole months reads a row per month, not per day)", [
        # As migration 10's tables with the office-local month "YYYY-MM" in place of the date.
        """CREATE TABLE totals_month_respondents (
            office_id TEXT NOT NULL, service_id TEXT NOT NULL, month TEXT NOT NULL,
            channel TEXT NOT NULL, "class" TEXT NOT NULL,
            n BIGINT NOT NULL,
            PRIMARY KEY (office_id, service_id, month, channel, "class")
        )""",
        """CREATE TABLE totals_month_unsur (
            office_id TEXT NOT NULL, service_id TEXT NOT NULL, month TEXT NOT NULL,
            channel TEXT NOT NULL, "class" TEXT NOT NULL,
            unsur TEXT NOT NULL, answered BIGINT NOT NULL, score_sum BIGINT NOT NULL,
            PRIMARY KEY (office_id, service_id, month, channel, "class", unsur)
        )""",
        """CREATE TABLE totals_month_profile (
            office_id TEXT NOT NULL, service_id TEXT NOT NULL, month TEXT NOT NULL,
            channel TEXT NOT NULL, "class" TEXT NOT NULL,
            field TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL,
            PRIMARY KEY (office_id, service_id, month, channel, "class", field, value)
        )""",
        # Filled from the daily totals (exact since migration 13): the same sums regrouped by month.
        lambda conn: _fill_months(conn),
    ]),
    (20, "the respondents' comments and the held flag as columns, filled from the stored bodies (collector/comments.py)", [
        # One row per response with a comment: what the kritik-dan-saran feed filters, counts and orders by,
        # so no page parses bodies (collector/comments.py says what each column holds).
        """CREATE TABLE comments (
            response_id TEXT PRIMARY KEY REFERENCES responses (id),
            office_id TEXT NOT NULL REFERENCES offices (id),
            service_id TEXT,
            local_date TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            complete BOOLEAN NOT NULL,
            voided BOOLEAN NOT NULL,
            flags TEXT NOT NULL,
            state TEXT NOT NULL,
            unsur TEXT NOT NULL,
            comment TEXT NOT NULL,
            comment_folded TEXT NOT NULL
        )""",
        # The office page's "N new suggestions" from this index alone; the feed's period and its order.
        "CREATE INDEX comments_office_state_date ON comments (office_id, state, local_date, complete, voided, flags)",
        "CREATE INDEX comments_office_date ON comments (office_id, local_date)",
        "CREATE INDEX comments_office_submitted ON comments (office_id, submitted_at)",
        "ALTER TABLE responses ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE",
        # Only the few held answers are in it: ingest pays nothing for the others.
        "CREATE INDEX responses_office_held ON responses (office_id, received_at) WHERE held",
        lambda conn: _fill_comments(conn),
    ]),
    (21, "totals_weekhour keyed by weekday and hour first: a heat map adds each cell's months in key order", [
        lambda conn: _weekhour_cell_first(conn),
    ]),
    (22, "the kritik-dan-saran feed's counts and page order from one index of the comment rows", [
        # Every column the feed filters, groups, counts and orders by, so its pass over the period's comments
        # reads this index only; the comment text is read for the page's rows alone (collector/suggestions.py).
        "DROP INDEX comments_office_date",
        "CREATE INDEX comments_office_period ON comments (office_id, local_date, complete, voided, flags, state, unsur, "
        "service_id, submitted_at, response_id)",
    ]),
    (23, "responses per kiosk kept as a counter (the kiosk list without counting an office's responses)", [
        "ALTER TABLE kiosks ADD COLUMN responses BIGINT NOT NULL DEFAULT 0",
        # From the responses_kiosk index, once; ingest adds to it from now on (collector/ingest.py _count).
        "UPDATE kiosks SET responses = (SELECT COUNT(*) FROM responses WHERE responses.kiosk_id = kiosks.id)",
    ]),
    (24, "the nine unsur as columns of one row per key of the totals per unsur (a row per hour or day, not ten)", [
        lambda conn: _wide_unsur(conn, "totals_unsur", ("office_id", "service_id", "local_date", "channel", '"class"'),
                                 "*", "answered"),
        lambda conn: _wide_unsur(conn, "totals_month_unsur", ("office_id", "service_id", "month", "channel", '"class"'),
                                 "*", "answered"),
        lambda conn: _wide_unsur(conn, "totals_hourly", ("office_id", "service_id", "local_date", "local_hour", '"class"'),
                                 "", "n"),
        lambda conn: _wide_unsur(conn, "totals_weekhour", ("office_id", "weekday", "local_hour", '"class"', "month"),
                                 "", "n"),
    ]),
    (25, "the respondents per profile option as columns of the respondents' row of each key (no rows of their own)", [
        lambda conn: _wide_profile(conn, "totals_respondents", "totals_profile",
                                   ("office_id", "service_id", "local_date", "channel", '"class"')),
        lambda conn: _wide_profile(conn, "totals_month_respondents", "totals_month_profile",
                                   ("office_id", "service_id", "month", "channel", '"class"')),
    ]),
    (26, "the kritik-dan-saran feed's page from an index in submission order, newest first: it stops at the page", [
        # The page's ids walk this index from the period's newest comment and stop once the page is full, instead
        # of sorting every comment of the period (collector/suggestions.py _page; bench suggestions). It serves
        # an office's comments in time order as comments_office_submitted did, which it replaces.
        "CREATE INDEX comments_office_recent ON comments (office_id, submitted_at DESC, response_id, local_date, "
        "complete, voided, flags, state, unsur, service_id)",
        "DROP INDEX comments_office_submitted",
    ]),
]


def _totals_fillfactor(conn) -> None:
    """Every ingest adds to rows of the totals; with room left on their page PostgreSQL updates them in
    place (HOT: no new index entries), measured 1.9x -> 1.2x-1.35x of ingest without totals (bench totals, batches oldest first).
    SQLite updates a row where it is and has no such setting."""
    if conn.dialect.name == "postgresql":
        for table in ("totals_respondents", "totals_unsur", "totals_profile", "totals_hourly"):
            conn.execute(text(f"ALTER TABLE {table} SET (fillfactor = 70)"))


def _fill_weekhour(conn) -> None:
    if conn.dialect.name == "postgresql":
        weekday = "CAST((EXTRACT(DOW FROM CAST(local_date AS date)) + 6) AS INTEGER) % 7"
        conn.execute(text("ALTER TABLE totals_weekhour SET (fillfactor = 70)"))  # as migration 17's tables
    else:
        weekday = "(CAST(strftime('%w', local_date) AS INTEGER) + 6) % 7"
    conn.execute(text(
        f'INSERT INTO totals_weekhour (office_id, month, weekday, local_hour, "class", unsur, n, score_sum) '
        f'SELECT office_id, SUBSTR(local_date, 1, 7), {weekday}, local_hour, "class", unsur, SUM(n), SUM(score_sum) '
        f'FROM totals_hourly GROUP BY office_id, SUBSTR(local_date, 1, 7), {weekday}, local_hour, "class", unsur'))


def _weekhour_cell_first(conn) -> None:
    """The heat map groups by (weekday, hour, class, unsur) over a range of months: with the month last in
    the key the rows come in the order of the groups (no sort), and on SQLite WITHOUT ROWID keeps the sums
    in the key's b-tree (no second lookup per row): 40-58 ms -> 15-22 ms for a year of 100,000 responses."""
    sqlite = conn.dialect.name == "sqlite"
    conn.execute(text(f"""CREATE TABLE totals_weekhour_new (
        office_id TEXT NOT NULL, month TEXT NOT NULL, weekday INTEGER NOT NULL, local_hour INTEGER NOT NULL,
        "class" TEXT NOT NULL, unsur TEXT NOT NULL, n BIGINT NOT NULL, score_sum BIGINT NOT NULL,
        PRIMARY KEY (office_id, weekday, local_hour, "class", unsur, month)
    ){" WITHOUT ROWID" if sqlite else ""}"""))
    conn.execute(text("INSERT INTO totals_weekhour_new SELECT * FROM totals_weekhour"))
    conn.execute(text("DROP TABLE totals_weekhour"))
    conn.execute(text("ALTER TABLE totals_weekhour_new RENAME TO totals_weekhour"))
    if not sqlite:
        conn.execute(text("ALTER INDEX totals_weekhour_new_pkey RENAME TO totals_weekhour_pkey"))
        conn.execute(text("ALTER TABLE totals_weekhour SET (fillfactor = 70)"))  # as migration 17's tables


def _fill_months(conn) -> None:
    month = "SUBSTR(local_date, 1, 7)"
    for daily, keys, sums in (("respondents", "", "SUM(n)"), ("unsur", ", unsur", "SUM(answered), SUM(score_sum)"),
                              ("profile", ", field, value", "SUM(n)")):
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"ALTER TABLE totals_month_{daily} SET (fillfactor = 70)"))  # as migration 17's
        conn.execute(text(
            f'INSERT INTO totals_month_{daily} SELECT office_id, service_id, {month}, channel, "class"{keys}, {sums} '
            f'FROM totals_{daily} GROUP BY office_id, service_id, {month}, channel, "class"{keys}'))


_WIDE_CODES = tuple(f"U{i}" for i in range(1, 10))  # as collector/totals.py WIDE_UNSUR


def _wide_unsur(conn, table: str, key: tuple[str, ...], marker: str, first: str) -> None:
    """Ingest pays per row of totals it writes: an hour or a day of answers wrote ten rows to each of these
    tables (unsur "" the respondents or "*" those who answered any, and U1..U9), 86 % of a batch's rows
    (bench/bench_totals.py). U1..U9 become columns of the marker's row, their sums moved there exactly (a
    marker row of zeros made where a key had answers only); the codes of an office's own questionnaire keep
    their rows. first: the table's first value column (n or answered)."""
    for code in _WIDE_CODES:
        for part in ("answered", "sum"):
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {code.lower()}_{part} BIGINT NOT NULL DEFAULT 0"))
    codes = ", ".join(f"'{code}'" for code in _WIDE_CODES)
    same = " AND ".join(f"o.{c} = {table}.{c}" for c in key)
    columns = ", ".join(key)
    conn.execute(text(
        f"INSERT INTO {table} ({columns}, unsur, {first}, score_sum) SELECT DISTINCT {columns}, '{marker}', 0, 0 "
        f"FROM {table} WHERE unsur IN ({codes}) AND NOT EXISTS (SELECT 1 FROM {table} o WHERE {same} AND o.unsur = '{marker}')"))
    moved = ", ".join(f"{code.lower()}_answered = COALESCE((SELECT o.{first} FROM {table} o WHERE {same} AND o.unsur = '{code}'), 0), "
                      f"{code.lower()}_sum = COALESCE((SELECT o.score_sum FROM {table} o WHERE {same} AND o.unsur = '{code}'), 0)"
                      for code in _WIDE_CODES)
    conn.execute(text(f"UPDATE {table} SET {moved} WHERE unsur = '{marker}'"))
    conn.execute(text(f"DELETE FROM {table} WHERE unsur IN ({codes})"))


def _wide_profile(conn, respondents: str, profile: str, key: tuple[str, ...]) -> None:
    """Ingest pays per row of totals it writes: a day's profile was a row per field and option, 37 of a
    kiosk batch's 58 rows (bench/bench_totals.py). The options of collector/tables.py PROFILE_COLUMNS become
    columns of the respondents' row of the key, their counts moved there exactly (a row of n 0 made where a key
    had a profile but no respondents' row); any other value keeps its row of the profile table."""
    from collector.tables import PROFILE_COLUMNS

    for _, _, column in PROFILE_COLUMNS:
        conn.execute(text(f"ALTER TABLE {respondents} ADD COLUMN {column} BIGINT NOT NULL DEFAULT 0"))
    assert not any("'" in field + option for field, option, _ in PROFILE_COLUMNS)
    wide = " OR ".join(f"(field = '{field}' AND value = '{option}')" for field, option, _ in PROFILE_COLUMNS)
    same = " AND ".join(f"p.{c} = {respondents}.{c}" for c in key)
    columns = ", ".join(key)
    conn.execute(text(
        f"INSERT INTO {respondents} ({columns}, n) SELECT DISTINCT {columns}, 0 FROM {profile} "
        f"WHERE ({wide}) AND NOT EXISTS (SELECT 1 FROM {respondents} p WHERE "
        + " AND ".join(f"p.{c} = {profile}.{c}" for c in key) + ")"))
    moved = ", ".join(f"{column} = COALESCE((SELECT p.n FROM {profile} p WHERE {same} AND p.field = '{field}' "
                      f"AND p.value = '{option}'), 0)" for field, option, column in PROFILE_COLUMNS)
    conn.execute(text(f"UPDATE {respondents} SET {moved}"))
    conn.execute(text(f"DELETE FROM {profile} WHERE {wide}"))


def _fill_comments(conn) -> None:
    from collector import comments

    comments.backfill(conn)


def _fill_totals(conn) -> None:
    from collector import totals

    # The kinds of total that existed at migration 13; later kinds are filled by their own migrations.
    totals.rebuild_all(conn, ("totals_respondents", "totals_unsur", "totals_profile", "totals_hourly"))


def has_schema(engine: Engine) -> bool:
    """Whether this database was ever set up as a collector's (it has the migration record)."""
    from sqlalchemy import inspect

    return inspect(engine).has_table("schema_migrations")


def applied(engine: Engine) -> list[int]:
    with engine.begin() as conn:
        _ensure_record_table(conn)
        return [row[0] for row in conn.execute(text("SELECT version FROM schema_migrations ORDER BY version"))]


def migrate(engine: Engine) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied now."""
    done: list[int] = []
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        _ensure_record_table(conn)
        have = {row[0] for row in conn.execute(text("SELECT version FROM schema_migrations"))}
        for version, name, statements in MIGRATIONS:
            if version in have:
                continue
            for statement in statements:
                if callable(statement):
                    statement(conn)
                else:
                    conn.execute(text(statement))
            conn.execute(text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)"),
                         {"v": version, "n": name, "t": datetime.now(timezone.utc).isoformat()})
            done.append(version)
    return done


def _ensure_record_table(conn) -> None:
    conn.execute(text("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"""))
