"""SQLAlchemy Core descriptions of the tables that collector/migrations.py creates."""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, Table, Text, text

metadata = MetaData()

offices = Table(
    "offices", metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("timezone", Text, nullable=False),
    Column("logo", Text),
    Column("settings", Text, nullable=False),
    Column("pin_hash", Text),
    Column("created_at", Text, nullable=False),
    Column("region_id", Text),
)

regions = Table(
    "regions", metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("parent_id", Text),
    Column("created_at", Text, nullable=False),
)

services = Table(
    "services", metadata,
    Column("office_id", Text, primary_key=True),
    Column("id", Text, primary_key=True),
    Column("name_id", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("position", Integer, nullable=False),
)

kiosks = Table(
    "kiosks", metadata,
    Column("id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("created_at", Text, nullable=False),
    Column("revoked_at", Text),
    Column("last_seen_at", Text),
    # Responses this kiosk has stored, kept by ingest in the same transaction (migration 23): the kiosk
    # list and the fleet read it instead of counting an office's responses.
    Column("responses", BigInteger, nullable=False, server_default=text("0")),
)

enroll_codes = Table(
    "enroll_codes", metadata,
    Column("code_hash", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
    Column("used_at", Text),
    Column("kiosk_id", Text),
)

admins = Table(
    "admins", metadata,
    Column("name", Text, primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)

admin_offices = Table(
    "admin_offices", metadata,
    Column("admin", Text, primary_key=True),
    Column("office_id", Text, primary_key=True),
)

responses = Table(
    "responses", metadata,
    Column("id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("service_id", Text),
    Column("kiosk_id", Text),
    Column("channel", Text, nullable=False),
    Column("submitted_at", Text, nullable=False),
    Column("local_date", Text, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("collector_flags", Text, nullable=False, default=""),
    Column("voided_at", Text),
    # The body's flags hold it as suspect (collector/comments.py); the database fills in FALSE (migration 20).
    Column("held", Boolean, nullable=False),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("response_id", Text),
    Column("reason", Text, nullable=False),
    Column("detail", Text, nullable=False, default="{}"),
)

settings = Table(
    "settings", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

short_links = Table(
    "short_links", metadata,
    Column("code", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("service_id", Text, nullable=False),  # '' for an office-wide link
    Column("created_at", Text, nullable=False),
)

rate_counters = Table(
    "rate_counters", metadata,
    Column("key", Text, primary_key=True),
    Column("window_start", BigInteger, primary_key=True),
    Column("hits", Integer, nullable=False),
)

login_failures = Table(
    "login_failures", metadata,
    Column("key", Text, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", BigInteger, nullable=False),
)

admin_sessions = Table(
    "admin_sessions", metadata,
    Column("id_hash", Text, primary_key=True),
    Column("admin", Text, nullable=False),
    Column("csrf", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
)


def _wide_unsur() -> list[Column]:
    """U1..U9's answered and sum as columns of the row of unsur "" (hourly: the respondents) or "*" (the
    respondents who answered any): migration 24."""
    return [Column(f"u{i}_{part}", BigInteger, nullable=False, server_default="0")
            for i in range(1, 10) for part in ("answered", "sum")]


def _totals(name: str, *columns: Column) -> Table:
    """A running-totals table (collector/totals.py): its key, then what it adds up."""
    return Table(name, metadata, Column("office_id", Text, primary_key=True), Column("service_id", Text, primary_key=True),
                 Column("local_date", Text, primary_key=True), Column("channel", Text, primary_key=True),
                 Column("class", Text, primary_key=True), *columns)


# The respondents per option of the profile questions (kiosk/questionnaire.py PROFILE_FIELDS as of migration
# 25, "-" for unanswered): (field, option, column). Columns of the respondents' row of each key (migration 25),
# so a day's profile is no rows of its own: ingest pays per row of totals written (bench/bench_totals.py).
# Any other value keeps a row of totals_profile; an option added later would too, until a migration widens it.
PROFILE_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    (field, option, f"{field}_{column}") for field, options in (
        ("gender", (("m", "m"), ("f", "f"))),
        ("age_group", (("<20", "under_20"), ("20-24", "20_24"), ("25-34", "25_34"), ("35-44", "35_44"),
                       ("45-54", "45_54"), ("55-64", "55_64"), ("65+", "65_up"))),
        ("education", (("sd", "sd"), ("smp", "smp"), ("sma", "sma"), ("d1-d3", "d1_d3"), ("s1", "s1"), ("s2+", "s2_up"))),
        ("occupation", (("pns", "pns"), ("tni-polri", "tni_polri"), ("swasta", "swasta"), ("wiraswasta", "wiraswasta"),
                        ("pelajar", "pelajar"), ("irt", "irt"), ("petani-nelayan", "petani_nelayan"),
                        ("lainnya", "lainnya"))),
        ("disability", (("none", "none"), ("physical", "physical"), ("sensory", "sensory"),
                        ("intellectual", "intellectual"), ("mental", "mental"))),
    ) for option, column in options + (("-", "unanswered"),))


def _wide_profile() -> list[Column]:
    return [Column(column, BigInteger, nullable=False, server_default="0") for _, _, column in PROFILE_COLUMNS]


totals_respondents = _totals("totals_respondents", Column("n", BigInteger, nullable=False), *_wide_profile())
totals_unsur = _totals("totals_unsur", Column("unsur", Text, primary_key=True),
                       Column("answered", BigInteger, nullable=False), Column("score_sum", BigInteger, nullable=False), *_wide_unsur())
totals_hourly = Table("totals_hourly", metadata, Column("office_id", Text, primary_key=True),
                      Column("service_id", Text, primary_key=True), Column("local_date", Text, primary_key=True),
                      Column("local_hour", Integer, primary_key=True), Column("class", Text, primary_key=True),
                      Column("unsur", Text, primary_key=True), Column("n", BigInteger, nullable=False),
                      Column("score_sum", BigInteger, nullable=False), *_wide_unsur())
# Key: office, weekday, hour, class, unsur, month (migration 21: a heat map's groups in key order).
totals_weekhour = Table("totals_weekhour", metadata, Column("office_id", Text, primary_key=True),
                        Column("weekday", Integer, primary_key=True), Column("local_hour", Integer, primary_key=True),
                        Column("class", Text, primary_key=True), Column("unsur", Text, primary_key=True),
                        Column("month", Text, primary_key=True), Column("n", BigInteger, nullable=False),
                        Column("score_sum", BigInteger, nullable=False), *_wide_unsur())


def _month_totals(name: str, *columns: Column) -> Table:
    """A running-totals table per office-local month ("YYYY-MM"), otherwise as _totals."""
    return Table(name, metadata, Column("office_id", Text, primary_key=True), Column("service_id", Text, primary_key=True),
                 Column("month", Text, primary_key=True), Column("channel", Text, primary_key=True),
                 Column("class", Text, primary_key=True), *columns)


totals_month_respondents = _month_totals("totals_month_respondents", Column("n", BigInteger, nullable=False),
                                         *_wide_profile())
totals_month_unsur = _month_totals("totals_month_unsur", Column("unsur", Text, primary_key=True),
                                   Column("answered", BigInteger, nullable=False),
                                   Column("score_sum", BigInteger, nullable=False), *_wide_unsur())
totals_month_profile = _month_totals("totals_month_profile", Column("field", Text, primary_key=True),
                                     Column("value", Text, primary_key=True), Column("n", BigInteger, nullable=False))
totals_profile = _totals("totals_profile", Column("field", Text, primary_key=True), Column("value", Text, primary_key=True),
                         Column("n", BigInteger, nullable=False))
