"""`kiosk demo`: a local collector with the demo office, this kiosk enrolled to it, and the UI."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from kiosk import config as office_config

OFFICE = "dukcapil-butur"
ADMIN = "admin"
DESCRIPTION = """\
Start a local collector on 127.0.0.1 (SQLite) with the demo office and an admin login,
enrol a demo kiosk to it, and run the kiosk UI in a window with sync running, so the
responses you give arrive centrally. Close the window to end the demo: the remaining
responses are synced, the IKM report is printed and the collector stops.

Without a display ($DISPLAY and $WAYLAND_DISPLAY unset) it runs five automatic surveys
offscreen (`kiosk autoplay --count 5`) instead of the window, then syncs and reports.

Everything is kept in the demo dir (--data-dir, default ./.demo): kiosk/ is the kiosk's
data dir, collector/collector.db the collector's database. Run it again to continue
with the same data. Exit status 0 only when every step worked.
"""


class StepFailed(Exception):
    def __init__(self, step: str, detail: str):
        super().__init__(f"{step} failed: {detail}")


def register(sub, common) -> None:
    import argparse

    parser = sub.add_parser("demo", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
                            help="a local collector with a demo office, a kiosk enrolled to it, and the UI",
                            description=DESCRIPTION)
    parser.add_argument("--port", type=int, default=0, help="collector port (default: a free one)")
    parser.add_argument("--count", type=int, default=5, help="surveys to autoplay without a display (default: 5)")
    parser.set_defaults(run=run)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args) -> int:
    root = Path(args.data_dir or ".demo").expanduser().resolve()
    demo = Demo(root, port=args.port)
    try:
        demo.run(count=args.count, windowed=has_display())
    except StepFailed as exc:
        print(f"kiosk demo: {exc}", file=sys.stderr)
        return 1
    finally:
        demo.stop_collector()
    return 0


class Demo:
    def __init__(self, root: Path, *, port: int = 0):
        self.root = root
        self.kiosk_dir = root / "kiosk"
        self.collector_dir = root / "collector"
        self.db_url = f"sqlite:///{self.collector_dir / 'collector.db'}"
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.collector: subprocess.Popen | None = None
        self.log_path = self.collector_dir / "collector.log"

    # -- the steps -----------------------------------------------------------------------

    def run(self, *, count: int, windowed: bool) -> None:
        self.kiosk_dir.mkdir(parents=True, exist_ok=True)
        self.collector_dir.mkdir(parents=True, exist_ok=True)
        say(f"demo data in {self.root}")
        self.create_office()
        password = self.create_admin()
        self.start_collector()
        say(f"collector on {self.url} (log: {self.log_path})")
        say(f"admin login: {ADMIN} / {password}")
        self.enroll()
        if windowed:
            say("starting the kiosk UI in a window (staff PIN 1234); close it to end the demo")
            self.kiosk("run UI", "run", "--windowed", capture=False)
        else:
            say(f"no display ($DISPLAY and $WAYLAND_DISPLAY are unset): running {count} automatic surveys "
                "offscreen instead of the UI")
            self.kiosk("autoplay", "autoplay", "--count", str(count), capture=False)
        self.kiosk("sync", "sync", "--once", capture=False)
        report = self.kiosk("report", "report", "--office", OFFICE, "--format", "json", "--db", self.db_url,
                            kiosk_data=False)
        try:
            parsed = json.loads(report)
        except ValueError:
            raise StepFailed("report", "`kiosk report` did not print JSON") from None
        simulated = (parsed.get("excluded") or {}).get("simulated", 0)
        aside = f", {simulated} set aside as simulated (autoplay's answers never count)" if simulated else ""
        say(f"IKM report of {OFFICE} from the collector ({parsed.get('respondents')} respondents counted{aside}):")
        print(json.dumps(parsed, indent=2, ensure_ascii=False), flush=True)
        say(f"kiosk data:  {self.kiosk_dir} (queue.db, config.toml, token)")
        say(f"collector:   {self.collector_dir / 'collector.db'}")
        say(f"read the report again: kiosk report --office {OFFICE} --format json --db {self.db_url}")
        say(f"or serve it (kiosk serve --db {self.db_url}) and GET /api/v1/reports/ikm?office={OFFICE} "
            f"with the admin login")

    def create_office(self) -> None:
        self.kiosk("create the collector database", "admin", "init", "--db", self.db_url, kiosk_data=False)
        offices = json.loads(self.kiosk("list offices", "admin", "offices", "--db", self.db_url, kiosk_data=False)
                             or "[]")
        if any(o.get("id") == OFFICE for o in offices):
            return
        self.kiosk("create the demo office", "admin", "office-add", "--db", self.db_url,
                   "--from-config", str(office_config.DEMO_CONFIG), kiosk_data=False)

    def create_admin(self) -> str:
        password = secrets.token_urlsafe(9)
        self.kiosk("create the admin user", "admin", "user-add", ADMIN, "--db", self.db_url,
                   stdin=password + "\n", kiosk_data=False)
        return password

    def enroll(self) -> None:
        answer = self.kiosk("make an enrolment code", "admin", "enroll-code", "--db", self.db_url,
                            "--office", OFFICE, kiosk_data=False)
        try:
            code = json.loads(answer)["code"]
        except (ValueError, KeyError, TypeError):
            raise StepFailed("make an enrolment code", "`kiosk admin enroll-code` did not print {\"code\": ...}") \
                from None
        self.kiosk("enrol the demo kiosk", "enroll", self.url, code)

    # -- the collector process -----------------------------------------------------------

    def start_collector(self, timeout: float = 30.0) -> None:
        log = open(self.log_path, "ab")
        self.collector = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "serve", "--db", self.db_url, "--host", "127.0.0.1",
             "--port", str(self.port), "--data-dir", str(self.collector_dir)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.collector.poll() is not None:
                raise StepFailed("start the collector", f"it exited with status {self.collector.returncode}; "
                                                        f"see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as answer:
                    if json.load(answer).get("status") == "ok":
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.1)
        raise StepFailed("start the collector", f"{self.url}/api/v1/health did not answer within {timeout:.0f} s; "
                                                f"see {self.log_path}")

    def stop_collector(self) -> None:
        if self.collector is None or self.collector.poll() is not None:
            return
        self.collector.terminate()
        try:
            self.collector.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.collector.kill()
            self.collector.wait(timeout=10)
        say("collector stopped")

    # -- running kiosk commands ----------------------------------------------------------

    def kiosk(self, step: str, *args: str, kiosk_data: bool = True, capture: bool = True,
              stdin: str | None = None) -> str:
        """Run `kiosk ARGS` (with the demo kiosk's data dir); its stdout, or StepFailed naming the step."""
        command = [sys.executable, "-m", "kiosk", *args]
        if kiosk_data:
            command += ["--data-dir", str(self.kiosk_dir)]
        else:
            command += ["--data-dir", str(self.collector_dir)]
        try:
            done = subprocess.run(command, input=stdin, text=True,
                                  stdout=subprocess.PIPE if capture else None,
                                  stderr=subprocess.PIPE if capture else None,
                                  stdin=None if stdin is not None else subprocess.DEVNULL)
        except OSError as exc:
            raise StepFailed(step, str(exc)) from None
        if done.returncode != 0:
            detail = (done.stderr or "").strip().splitlines()[-1:] if capture else []
            raise StepFailed(step, f"`kiosk {' '.join(args[:2])}` exited with status {done.returncode}"
                                   + (f": {detail[0]}" if detail else ""))
        return done.stdout or ""


def say(line: str) -> None:
    print(f"kiosk demo: {line}", flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
