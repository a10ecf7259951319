"""The real collector for tests: a database per backend, and `kiosk serve` as a subprocess on 127.0.0.1.

`collector_db_url` gives a fresh database URL for each backend ("sqlite", "postgresql") a test is
parametrised over; `collector_server(...)` starts the collector and returns a CollectorServer that
can add the demo office, kiosks and enrolment codes, and be killed (SIGKILL) and restarted.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pgcluster import free_port

REPO = Path(__file__).resolve().parent.parent
DEMO_OFFICE = "dukcapil-butur"
BACKENDS = ["sqlite", "postgresql"]


def _engine(db_url: str):
    from collector import db, migrations

    engine = db.make_engine(db_url)
    migrations.migrate(engine)
    return engine


def _demo_office(db_url: str):
    """(url, engine) of a migrated collector database holding the demo office (four services)."""
    from collector import records
    from kiosk.config import DEMO_CONFIG

    engine = _engine(db_url)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    yield db_url, engine
    engine.dispose()


@pytest.fixture
def office_db(collector_db_url):
    """The demo office in a fresh database of each backend: (url, engine), for the `kiosk admin` commands."""
    yield from _demo_office(collector_db_url)


@pytest.fixture
def office_sqlite(tmp_path):
    """The demo office in an SQLite file of the test's own: (url, engine)."""
    yield from _demo_office(f"sqlite:///{tmp_path / 'collector.db'}")


@pytest.fixture
def web_survey(collector_db_url):
    """The collector app with the demo office on each backend, started (lifespan and all): (client, engine)."""
    from fastapi.testclient import TestClient

    from collector import records
    from collector.app import create_app
    from kiosk.config import DEMO_CONFIG

    app = create_app(collector_db_url)
    engine = app.state.engine
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    with TestClient(app) as client:
        yield client, engine
    engine.dispose()


class CollectorServer:
    """A `python -m kiosk serve` process with its database; the database outlives restarts."""

    def __init__(self, db_url: str, workdir: Path, port: int | None = None, extra_args: tuple[str, ...] = ()):
        self.db_url = db_url
        self.extra_args = tuple(extra_args)
        self.workdir = workdir
        self.port = port or free_port()
        self.log_path = workdir / "collector.log"
        self.process: subprocess.Popen | None = None
        self._engine = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def engine(self):
        if self._engine is None:
            self._engine = _engine(self.db_url)
        return self._engine

    # --- process --------------------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> "CollectorServer":
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "serve", "--db", self.db_url, "--host", "127.0.0.1",
             "--port", str(self.port), "--data-dir", str(self.workdir / "data"), *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        log.close()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the collector exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as answer:
                    if answer.status == 200 and json.load(answer).get("status") == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the collector did not answer /api/v1/health within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, as in a power cut of the server."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self, timeout: float = 30.0) -> "CollectorServer":
        """Kill (if running) and start again on the same port and database."""
        self.kill()
        return self.start(timeout)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def close(self) -> None:
        self.stop()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # --- records --------------------------------------------------------------------------------

    def add_demo_office(self) -> str:
        """The shipped demo office (kiosk/demo_office.toml) with its services; idempotent. Returns its id."""
        from collector import records
        from kiosk.config import DEMO_CONFIG

        if records.get_office(self.engine, DEMO_OFFICE) is None:
            records.add_office(self.engine, **records.office_from_config(DEMO_CONFIG))
        return DEMO_OFFICE

    def add_office(self, office_id: str, name: str = "Kantor Uji", services: tuple[str, ...] = ("layanan-a",),
                   timezone_name: str = "Asia/Jakarta") -> str:
        from collector import records
        from kiosk.config import Service
        from kiosk.questionnaire import Text

        records.add_office(self.engine, office_id, name, timezone_name=timezone_name,
                           services_=tuple(Service(s, Text(s, s)) for s in services))
        return office_id

    def new_kiosk(self, office_id: str | None = None) -> tuple[str, str]:
        """A kiosk of the office (default: the demo office): (kiosk_id, token)."""
        from collector import records

        return records.add_kiosk(self.engine, office_id or self.add_demo_office())

    def kiosk_token(self, office_id: str | None = None) -> str:
        return self.new_kiosk(office_id)[1]

    def enroll_code(self, office_id: str | None = None) -> str:
        from collector import records

        return records.new_enroll_code(self.engine, office_id or self.add_demo_office())[0]

    def revoke(self, kiosk_id: str) -> None:
        from collector import records

        records.revoke_kiosk(self.engine, kiosk_id)

    def add_admin(self, name: str = "admin", password: str = "rahasia-sekali") -> tuple[str, str]:
        from collector import records

        records.add_admin(self.engine, name, password)
        return name, password

    def stored_count(self, office_id: str | None = None) -> int:
        from sqlalchemy import func, select

        from collector.db import reading
        from collector.tables import responses

        query = select(func.count()).select_from(responses)
        if office_id:
            query = query.where(responses.c.office_id == office_id)
        with reading(self.engine) as conn:
            return conn.execute(query).scalar_one()

    def stored_ids(self) -> list[str]:
        from sqlalchemy import select

        from collector.db import reading
        from collector.tables import responses

        with reading(self.engine) as conn:
            return list(conn.execute(select(responses.c.id)).scalars())


@pytest.fixture(params=BACKENDS)
def collector_backend(request) -> str:
    return request.param


@pytest.fixture
def collector_db_url(collector_backend, tmp_path, request) -> str:
    """A fresh collector database on each backend: an SQLite file, or a new PostgreSQL database."""
    if collector_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'collector.db'}"
    return request.getfixturevalue("postgres_database")()


@pytest.fixture
def collector_server(tmp_path):
    """Factory: collector_server(db_url=None) starts `kiosk serve` (SQLite in tmp_path by default);
    extra_args go to `kiosk serve` (e.g. ("--workers", "2"))."""
    started: list[CollectorServer] = []

    def start(db_url: str | None = None, *, port: int | None = None,
              extra_args: tuple[str, ...] = ()) -> CollectorServer:
        workdir = tmp_path / f"collector-{len(started)}"
        url = db_url or f"sqlite:///{workdir / 'collector.db'}"
        server = CollectorServer(url, workdir, port, extra_args)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.close()


@pytest.fixture(scope="module")
def module_collector_server(tmp_path_factory):
    """One `kiosk serve` (SQLite) shared by the tests of a module: starting one costs seconds, so a module whose
    tests only add their own records and read back what they added starts it once. Tests that restart, kill
    or count everything the server holds use collector_server instead."""
    server = CollectorServer(f"sqlite:///{tmp_path_factory.mktemp('collector') / 'collector.db'}",
                             tmp_path_factory.mktemp("collector-work"))
    server.start()
    yield server
    server.close()


def make_wire(office_id: str = DEMO_OFFICE, service_id: str | None = "ktp-el", answers: dict | None = None,
              submitted_at=None, **changes) -> dict:
    """A valid wire response of the demo office (fresh UUID); `changes` override wire keys."""
    from datetime import datetime, timedelta, timezone

    from kiosk.response import new_response

    submitted_at = submitted_at or datetime(2026, 11, 28, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    wire = new_response(office_id=office_id, service_id=service_id,
                        answers=answers if answers is not None else {f"U{i}": 1 + i % 4 for i in range(1, 10)},
                        started_at=submitted_at - timedelta(seconds=40), submitted_at=submitted_at).to_wire()
    wire.update(changes)
    return wire


class CollectorApp:
    """The collector app in-process (ASGI test client) on a fresh database, with the demo office and a kiosk."""

    def __init__(self, db_url: str, clock=None):
        from fastapi.testclient import TestClient

        from collector import records
        from collector.app import create_app
        from kiosk.config import DEMO_CONFIG

        self.db_url = db_url
        self.app = create_app(db_url, **({"clock": clock} if clock else {}))
        self.engine = self.app.state.engine
        self.client = TestClient(self.app)
        if records.get_office(self.engine, DEMO_OFFICE) is None:
            records.add_office(self.engine, **records.office_from_config(DEMO_CONFIG))
        self.kiosk_id, self.token = records.add_kiosk(self.engine, DEMO_OFFICE)

    def auth(self, token: str | None = None) -> dict:
        return {"Authorization": f"Bearer {token or self.token}"}

    def post(self, items: list, token: str | None = None, **kwargs):
        return self.client.post("/api/v1/responses", json={"responses": items}, headers=self.auth(token), **kwargs)

    def statuses(self, items: list, token: str | None = None) -> list[str]:
        answer = self.post(items, token)
        assert answer.status_code == 200, answer.text
        return [r["status"] for r in answer.json()["results"]]

    def stored(self) -> dict[str, str]:
        """id -> stored body of every response in the database."""
        from sqlalchemy import select

        from collector.db import reading
        from collector.tables import responses

        with reading(self.engine) as conn:
            return dict(conn.execute(select(responses.c.id, responses.c.body)).all())

    def close(self) -> None:
        self.client.close()
        self.engine.dispose()


@pytest.fixture
def collector_app(collector_db_url):
    """The collector in-process on a fresh database of each backend, with the demo office and one kiosk."""
    app = CollectorApp(collector_db_url)
    yield app
    app.close()
