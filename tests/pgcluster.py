"""A throwaway PostgreSQL cluster on 127.0.0.1, for the test suite and the benchmarks.

Uses the server binaries of the machine (Debian keeps them in /usr/lib/postgresql/<version>/bin).
initdb refuses to run as root, so as root the cluster belongs to the `postgres` user and its
commands run through `runuser -u postgres --`.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


class ClusterUnavailable(Exception):
    """PostgreSQL's server binaries are not installed, or the cluster would not start (message says why)."""


def find_bin_dir() -> Path | None:
    """The directory of initdb and pg_ctl, newest version first; None when PostgreSQL is not installed."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0,
                        reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(found)
    for initdb in candidates:
        folder = Path(initdb).parent
        if (folder / "pg_ctl").exists():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """One temporary cluster: start() it, make databases, stop() removes every file."""

    def __init__(self, *, durable: bool = False, max_connections: int = 300):
        self.bin_dir = find_bin_dir()
        if self.bin_dir is None:
            raise ClusterUnavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed; "
                                     "install the Debian package postgresql (scripts/install-system-deps.sh)")
        self.durable, self.max_connections = durable, max_connections
        self.root = Path(tempfile.mkdtemp(prefix="skm-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user = "postgres"
        self._as_postgres = os.geteuid() == 0
        self.started = False

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        argv = [str(self.bin_dir / command[0]), *command[1:]]
        if self._as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=self.root)
        if result.returncode != 0:
            raise ClusterUnavailable(f"{command[0]} failed: {(result.stderr or result.stdout).strip()[-2000:]}")
        return result

    def start(self) -> "PostgresCluster":
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                  "--locale=C", *([] if self.durable else ["--no-sync"]))
        options = [f"-c listen_addresses=127.0.0.1", f"-c port={self.port}",
                   f"-c unix_socket_directories={self.root}", f"-c max_connections={self.max_connections}"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "-o", " ".join(options), "start")
        self.started = True
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = name or "skm_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "PostgresCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
