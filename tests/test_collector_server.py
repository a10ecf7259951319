"""`kiosk serve` as a real process: health, ingest over HTTP, SIGKILL and restart, structured access logs."""
from __future__ import annotations

import gzip
import json

import requests

from fixtures_collector import make_wire


def test_serve_ingests_and_survives_sigkill(collector_server, collector_db_url):
    server = collector_server(collector_db_url)
    assert requests.get(server.url + "/api/v1/health", timeout=5).json() == {"status": "ok"}
    token = server.kiosk_token()
    headers = {"Authorization": f"Bearer {token}", "Content-Encoding": "gzip", "Content-Type": "application/json"}
    batch = [make_wire() for _ in range(50)]
    body = gzip.compress(json.dumps({"responses": batch}).encode())
    first = requests.post(server.url + "/api/v1/responses", data=body, headers=headers, timeout=10)
    assert [r["status"] for r in first.json()["results"]] == ["accepted"] * 50
    server.kill()
    assert not server.running
    server.restart()
    again = requests.post(server.url + "/api/v1/responses", data=body, headers=headers, timeout=10)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 50
    assert sorted(server.stored_ids()) == sorted(w["id"] for w in batch)


def test_access_log_is_json_lines_without_answers(collector_server):
    server = collector_server()
    kiosk_id, token = server.new_kiosk()
    secret_comment = "petugas loket tiga sangat ramah"
    wire = make_wire(comment=secret_comment)
    requests.post(server.url + "/api/v1/responses", json={"responses": [wire]},
                  headers={"Authorization": f"Bearer {token}"}, timeout=10)
    requests.post(server.url + "/api/v1/responses", json={"responses": []},
                  headers={"Authorization": "Bearer wrong"}, timeout=10)
    server.stop()
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    access = [e for e in lines if e.get("path") == "/api/v1/responses"]
    assert [(e["method"], e["status"]) for e in access] == [("POST", 200), ("POST", 401)]
    assert access[0]["kiosk_id"] == kiosk_id and access[0]["items"] == 1
    assert access[0]["outcome"] == {"accepted": 1}
    assert "kiosk_id" not in access[1]
    assert all(isinstance(e["duration_ms"], (int, float)) for e in access)
    text = server.log()
    assert secret_comment not in text and token not in text and '"U1"' not in text


def test_serve_refuses_a_bad_database_in_one_sentence(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kiosk", "serve", "--db", "postgresql://nobody@127.0.0.1:1/x",
                             "--port", "8999"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "cannot open the collector database" in result.stderr


def test_two_collector_processes_on_one_database_store_each_response_once(collector_server, collector_db_url):
    import threading

    first = collector_server(collector_db_url)
    second = collector_server(collector_db_url)
    token = first.kiosk_token()
    batch = [make_wire() for _ in range(200)]
    statuses: list[str] = []
    lock = threading.Lock()

    def send(server) -> None:
        for start in range(0, 200, 50):
            answer = requests.post(server.url + "/api/v1/responses", json={"responses": batch[start:start + 50]},
                                   headers={"Authorization": f"Bearer {token}"}, timeout=30)
            with lock:
                statuses.extend(r["status"] for r in answer.json()["results"])

    threads = [threading.Thread(target=send, args=(s,)) for s in (first, second, first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count("accepted") == 200 and statuses.count("duplicate") == 600
    assert sorted(first.stored_ids()) == sorted(w["id"] for w in batch)


def test_a_lost_database_is_503_with_retry_after(postgres_cluster):
    from fixtures_collector import CollectorApp

    url = postgres_cluster.create_database()
    app = CollectorApp(url)
    try:
        assert app.statuses([make_wire()]) == ["accepted"]
        postgres_cluster.drop_database(url.rsplit("/", 1)[1])
        answer = app.post([make_wire()])
        assert answer.status_code == 503 and answer.headers["retry-after"] == "30"
        assert app.client.get("/api/v1/health").status_code == 503
    finally:
        app.close()


def test_a_taken_port_is_one_sentence(collector_server, tmp_path):
    import subprocess
    import sys

    server = collector_server()
    result = subprocess.run([sys.executable, "-m", "kiosk", "serve", "--db", f"sqlite:///{tmp_path / 'other.db'}",
                             "--port", str(server.port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{server.port}" in result.stderr and "Traceback" not in result.stderr
    assert server.running


def test_serve_with_worker_processes(collector_server, collector_db_url):
    server = collector_server(collector_db_url, extra_args=("--workers", "2"))
    token = server.kiosk_token()
    batches = [[make_wire() for _ in range(20)] for _ in range(6)]
    for batch in batches + batches:
        requests.post(server.url + "/api/v1/responses", json={"responses": batch},
                      headers={"Authorization": f"Bearer {token}"}, timeout=30).raise_for_status()
    assert server.stored_count() == 120
    server.stop()
    pids = {json.loads(line).get("message", "") for line in server.log().splitlines() if line.startswith("{")}
    assert sum("Started server process" in m for m in pids) == 2
