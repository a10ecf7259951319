"""`kiosk simulate`, `kiosk status` and `kiosk export` on a data dir, as staff run them."""
import csv
import json
import os
import subprocess
import sys

from kiosk.ikm import compute, report
from kiosk.response import validate_wire
from kiosk.store import Queue


def kiosk(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_simulate_writes_valid_varied_responses(data_dir):
    out = kiosk("simulate", "--count", "300", "--seed", "7", "--data-dir", str(data_dir))
    assert out.returncode == 0, out.stderr
    q = Queue(data_dir / "queue.db")
    batch = q.pending_batch(1000)
    q.close()
    assert len(batch) == 300
    assert all(validate_wire(r.to_wire()) == [] for r in batch)
    assert all("simulated" in r.flags for r in batch)
    assert {v for r in batch for v in r.answers.values()} == {1, 2, 3, 4}
    assert len({r.service_id for r in batch}) > 1
    # A realistic spread lands in the middle classes, not at either end (computed on the answers themselves:
    # a report leaves simulated responses out of the count, and says so).
    assert 60 < compute(r.answers for r in batch).ikm_converted < 90
    assert report(batch, scope={})["excluded"]["simulated"] == sum(r.complete for r in batch)


def test_simulate_is_repeatable_with_a_seed(tmp_path):
    ids = []
    for name in ("a", "b"):
        kiosk("simulate", "--count", "5", "--seed", "3", "--data-dir", str(tmp_path / name))
        q = Queue(tmp_path / name / "queue.db")
        ids.append([r.id for r in q.pending_batch(10)])
        q.close()
    assert ids[0] == ids[1]


def test_status_json_counts_and_data_dir_from_env(data_dir):
    kiosk("simulate", "--count", "4", "--data-dir", str(data_dir))
    out = kiosk("status", "--json", env={"KIOSK_DATA_DIR": str(data_dir)})
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert (status["pending"], status["sent"], status["rejected"]) == (4, 0, 0)
    assert status["oldest_pending_age_s"] >= 0 and status["alarm"] is False
    assert status["last_success"] is None and status["sync_url"] is None
    assert "demo office" in out.stderr


def test_export_csv_and_jsonl(data_dir):
    kiosk("simulate", "--count", "3", "--data-dir", str(data_dir))
    out = kiosk("export", "--data-dir", str(data_dir), "--out", str(data_dir / "q.csv"), "--format", "csv")
    assert out.returncode == 0 and "exported 3" in out.stdout
    rows = list(csv.DictReader(open(data_dir / "q.csv")))
    assert len(rows) == 3 and rows[0]["status"] == "pending" and rows[0]["U1"] in "1234"
    kiosk("export", "--data-dir", str(data_dir), "--out", str(data_dir / "q.jsonl"))
    lines = [json.loads(l) for l in open(data_dir / "q.jsonl")]
    assert [l["id"] for l in lines] == [r["id"] for r in rows]


def test_export_format_follows_the_file_name(data_dir):
    kiosk("simulate", "--count", "2", "--data-dir", str(data_dir))
    out = kiosk("export", "--data-dir", str(data_dir), "--out", str(data_dir / "q.csv"))
    assert out.returncode == 0 and "(csv)" in out.stdout
    assert len(list(csv.DictReader(open(data_dir / "q.csv")))) == 2
    out = kiosk("export", "--data-dir", str(data_dir), "--out", str(data_dir / "q.JSONL"))
    assert out.returncode == 0 and "(jsonl)" in out.stdout
    assert len([json.loads(line) for line in open(data_dir / "q.JSONL")]) == 2
    told = kiosk("export", "--data-dir", str(data_dir), "--out", str(data_dir / "handover.dat"), "--format", "csv")
    assert told.returncode == 0 and (data_dir / "handover.dat").read_text().startswith("id,status")
    for name, told, says in (("x.csv", ["--format", "jsonl"], "name the file 'x.jsonl'"),
                              ("x.txt", [], "cannot tell the format")):
        out = kiosk("export", "--data-dir", str(data_dir), "--out", str(data_dir / name), *told)
        assert out.returncode == 2 and says in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
        assert not (data_dir / name).exists()


def test_user_mistakes_are_one_sentence(data_dir):
    out = kiosk("simulate", "--count", "-3", "--data-dir", str(data_dir))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    (data_dir / "config.toml").write_text("[office]\nid = 3\n")
    out = kiosk("status", "--data-dir", str(data_dir))
    assert out.returncode == 2 and "office.id: found 3" in out.stderr and "Traceback" not in out.stderr
