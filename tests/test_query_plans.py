"""The queries behind the report, the downloads, the dashboard, the region page, the held list, the audit
log, the fleet page and the kritik-dan-saran feed use indexes, on SQLite and on PostgreSQL.

The pages are opened for real (the collector in-process on the fixed data set of test_download_bytes.py)
and every SELECT they send that reads the responses, the running totals or the audit log is captured and
explained: EXPLAIN QUERY PLAN on SQLite, EXPLAIN (FORMAT JSON) on PostgreSQL with sequential scans priced
out (enable_seqscan = off), so that a Seq Scan left in the plan means no index could serve the query at
all. A query about one office must find that office's rows through an index (SQLite: SEARCH, never SCAN;
PostgreSQL: an index condition); no query may read the responses table from end to end.

`python tests/test_query_plans.py [--postgresql]` prints the plans as docs/query-plans.md shows them (its
SQLite or PostgreSQL section, from the first page heading on).
"""
from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures_collector import DEMO_OFFICE  # noqa: E402
from test_download_bytes import GENERATED, build_office  # noqa: E402

WATCHED = re.compile(r"\b(responses|totals_\w+|audit_log|comments)\b")
PAGES = ("/admin", f"/admin/offices/{DEMO_OFFICE}", f"/admin/offices/{DEMO_OFFICE}/report.csv",
         f"/admin/offices/{DEMO_OFFICE}/report.xlsx", f"/api/v1/reports/ikm?office={DEMO_OFFICE}",
         "/admin/regions/butur", "/admin/regions/butur/report.csv", f"/admin/offices/{DEMO_OFFICE}/held",
         f"/admin/offices/{DEMO_OFFICE}/responses", "/admin/fleet", f"/admin/offices/{DEMO_OFFICE}/suggestions",
         f"/admin/offices/{DEMO_OFFICE}/suggestions?q=antri&group=U3&state=new&page=2&all=1")
PERIOD = "from=2026-07-01&to=2026-12-31"


def page_queries(db_url: str) -> list[tuple[list[str], str, object]]:
    """(pages, statement, parameters) of every distinct SELECT on a watched table that the pages send."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from collector import db, migrations, records, regions
    from collector.app import create_app

    engine = db.make_engine(db_url)
    migrations.migrate(engine)
    build_office(engine)
    regions.add_region(engine, "butur", "Kabupaten Buton Utara", "kabupaten")
    regions.set_office_region(engine, DEMO_OFFICE, "butur")
    records.add_admin(engine, "pengelola", "kata-sandi-rahasia")
    engine.dispose()
    app = create_app(db_url, clock=lambda: GENERATED)
    login = {"Authorization": "Basic " + base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()}
    captured: dict[str, tuple[list[str], str, object]] = {}
    page = ""

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and WATCHED.search(statement) and not executemany:
            pages = captured.setdefault(statement, ([], statement, parameters))[0]
            if page not in pages:
                pages.append(page)

    event.listen(app.state.engine, "before_cursor_execute", grab)
    with TestClient(app) as client:
        for page in PAGES:
            answer = client.get(page + ("&" if "?" in page else "?") + PERIOD, headers=login)
            assert answer.status_code == 200, (page, answer.text[:300])
    event.remove(app.state.engine, "before_cursor_execute", grab)
    app.state.engine.dispose()
    return list(captured.values())


def _office_scoped(statement: str) -> bool:
    return re.search(r"\boffice_id\s*=", statement) is not None


def sqlite_plan(engine, statement: str, parameters) -> list[str]:
    with engine.connect() as conn:
        return [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]


def sqlite_problems(statement: str, plan: list[str]) -> list[str]:
    problems = []
    for line in plan:
        found = re.match(r"(SCAN|SEARCH) (\w+)", line)
        if not found or not WATCHED.fullmatch(re.sub(r"_\d+$", "", found.group(2))):
            continue
        if found.group(1) == "SCAN" and "INDEX" not in line:
            problems.append(f"reads the whole table: {line}")
        elif found.group(1) == "SCAN" and _office_scoped(statement):
            problems.append(f"reads a whole index for one office: {line}")
    return problems


def postgres_plan(engine, statement: str, parameters) -> dict:
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        return conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()[0]["Plan"]


def postgres_problems(statement: str, plan: dict) -> list[str]:
    problems = []

    def walk(node: dict) -> None:
        relation = node.get("Relation Name", "")
        if WATCHED.fullmatch(relation):
            kind = node["Node Type"]
            if kind == "Seq Scan":
                problems.append(f"Seq Scan on {relation}")
            elif kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node and _office_scoped(statement):
                problems.append(f"{kind} of all of {node.get('Index Name')} on {relation} for one office")
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan)
    return problems


def postgres_lines(plan: dict, depth: int = 0) -> list[str]:
    """The plan as EXPLAIN's text would show its nodes: type, relation, index and condition."""
    words = [plan["Node Type"]]
    if plan.get("Index Name"):
        words.append(f"using {plan['Index Name']}")
    if plan.get("Relation Name"):
        words.append(f"on {plan['Relation Name']}")
    condition = plan.get("Index Cond") or plan.get("Recheck Cond")
    lines = ["  " * depth + " ".join(words) + (f"  ({condition})" if condition else "")]
    for child in plan.get("Plans", ()):
        lines += postgres_lines(child, depth + 1)
    return lines


def explained(db_url: str) -> list[tuple[list[str], str, list[str], list[str]]]:
    """(pages, statement, plan lines, problems) of every watched query behind the pages."""
    from collector import db

    queries = page_queries(db_url)
    engine = db.make_engine(db_url)
    out = []
    try:
        for pages, statement, parameters in queries:
            if engine.dialect.name == "postgresql":
                plan = postgres_plan(engine, statement, parameters)
                out.append((pages, statement, postgres_lines(plan), postgres_problems(statement, plan)))
            else:
                lines = sqlite_plan(engine, statement, parameters)
                out.append((pages, statement, lines, sqlite_problems(statement, lines)))
    finally:
        engine.dispose()
    return out


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_pages_queries_use_indexes(backend, tmp_path, request):
    db_url = (f"sqlite:///{tmp_path / 'collector.db'}" if backend == "sqlite"
              else request.getfixturevalue("postgres_database")())
    found = explained(db_url)
    # Every page reads at least one watched table, so a capture that went quiet would fail here.
    assert {page for pages, *_ in found for page in pages} == set(PAGES)
    assert any("responses" in statement and _office_scoped(statement) for _, statement, _, _ in found)
    bad = [(pages, " ".join(statement.split())[:200], problems) for pages, statement, _, problems in found if problems]
    assert not bad, json.dumps(bad, indent=1)
    # Reading an entry per response of the whole collector is left to the fleet page (responses per kiosk);
    # the dashboard's office list and the region page take their counts from the running totals.
    collector_wide = {page for pages, statement, _, _ in found if re.search(r"\bFROM responses\b", statement)
                      and not _office_scoped(statement) for page in pages}
    assert collector_wide <= {"/admin/fleet"}, collector_wide


def test_the_checks_catch_a_full_scan(tmp_path):
    """The plan checks are not blind: a query with no usable index is reported on SQLite."""
    from collector import db, migrations

    engine = db.make_engine(f"sqlite:///{tmp_path / 'collector.db'}")
    migrations.migrate(engine)
    statement = "SELECT id FROM responses WHERE office_id = ? AND channel = 'kiosk' ORDER BY id"
    unindexed = "SELECT count(*) FROM responses WHERE channel = ?"
    assert sqlite_problems(statement, sqlite_plan(engine, statement, ("x",))) == []
    assert sqlite_problems(unindexed, sqlite_plan(engine, unindexed, ("kiosk",)))
    engine.dispose()


def _print_plans(db_url: str) -> None:
    """Each query as docs/query-plans.md shows it: its pages in bold, the statement, then its plan."""
    for pages, statement, lines, problems in explained(db_url):
        print(f"**{', '.join(pages)}**\n\n```sql\n{' '.join(statement.split())}\n```\n```\n"
              + "".join(f"{line}\n" for line in lines) + "".join(f"PROBLEM {p}\n" for p in problems) + "```\n")


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:] == ["--postgresql"]:
        from pgcluster import PostgresCluster

        cluster = PostgresCluster().start()
        try:
            _print_plans(cluster.create_database())
        finally:
            cluster.stop()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            _print_plans(f"sqlite:///{tmp}/collector.db")
