"""The README's own examples work as written: its QR poster block, run line by line from a clone's folder."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[list[str]]:
    return [[line for line in block.splitlines() if line.strip()]
            for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S)]


def test_the_qr_poster_example_makes_a_poster(tmp_path):
    block = next(b for b in shell_blocks() if any(line.startswith("kiosk qr poster") for line in b))
    # The block reads kiosk/demo_office.toml from the clone: give the temporary folder the same file.
    (tmp_path / "kiosk").mkdir()
    shutil.copy2(REPO / "kiosk" / "demo_office.toml", tmp_path / "kiosk" / "demo_office.toml")
    for line in block:
        words = shlex.split(line.split(" #")[0])
        assert words[0] == "kiosk", line
        done = subprocess.run([sys.executable, "-m", "kiosk", *words[1:]], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
    poster = tmp_path / "poster.pdf"
    assert poster.read_bytes().startswith(b"%PDF")


def test_the_collector_readme_moves_a_sqlite_collector_to_postgresql(tmp_path, postgres_database):
    """collector/README.md's steps from SQLite to PostgreSQL, its `kiosk` lines run as written (the file and
    the database in their places): the copy, the totals check and the same report from either database."""
    from collector import db, migrations, records, voiding
    from collector.ingest import store_batch
    from kiosk.config import Service
    from kiosk.questionnaire import Text
    from fixtures_collector import make_wire

    text = (REPO / "collector" / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```sh\n(.*?)```", text, flags=re.S) if "kiosk admin copy-db" in b and "after.json" in b)
    old, new = "sqlite:////var/lib/skm-collector/collector.db", "postgresql://skm:PASSWORD@127.0.0.1/skm"
    assert old in block and new in block
    sqlite_url, postgres_url = f"sqlite:///{tmp_path / 'collector.db'}", postgres_database()
    engine = db.make_engine(sqlite_url)
    migrations.migrate(engine)
    records.add_office(engine, "kantor-a", "Kantor A", timezone_name="Asia/Makassar",
                       services_=(Service("ktp-el", Text("KTP elektronik", "ID card")),))
    wires = [make_wire(office_id="kantor-a", answers={f"U{k}": 1 + (i + k) % 4 for k in range(1, 10)})
             for i in range(30)] + [make_wire(office_id="kantor-a", complete=False, answers={"U1": 2})]
    assert {r.status for r in store_batch(engine, "kantor-a", wires, channel="kiosk")} == {"accepted"}
    voiding.void(engine, "kantor-a", [wires[0]["id"]], reason="uji", actor="admin")
    engine.dispose()
    lines = [line for line in block.splitlines() if line.strip()]
    for line in lines:
        words = shlex.split(line.replace(old, sqlite_url).replace(new, postgres_url))
        assert words[0] == "kiosk", line
        done = subprocess.run([sys.executable, "-m", "kiosk", *words[1:], "--data-dir", str(tmp_path / "data")],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        if "rebuild-totals" in line:
            assert done.stdout.startswith("office kantor-a: the running totals matched the stored responses")
            assert "office kantor-a: the comment rows and held flags matched the stored responses" in done.stdout
        if "copy-db" in line:
            assert '"responses": 31' in done.stdout
    before, after = (tmp_path / "before.json").read_bytes(), (tmp_path / "after.json").read_bytes()
    assert before == after and b'"respondents": 29' in before
