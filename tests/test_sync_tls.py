"""TLS is always verified: a self-signed collector is refused even by a session told not to verify."""
from __future__ import annotations

import http.server
import json
import shutil
import ssl
import subprocess
import threading

import pytest
import requests

from sync.connection import test_connection as check_connection
from sync.uploader import Uploader

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


class _Collector(http.server.BaseHTTPRequestHandler):
    """Answers like a healthy collector that accepts everything."""

    def _json(self, data) -> None:
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._json({"status": "ok"})

    def do_POST(self):
        import gzip

        raw = gzip.decompress(self.rfile.read(int(self.headers["Content-Length"])))
        ids = [r["id"] for r in json.loads(raw)["responses"]]
        self._json({"results": [{"id": i, "status": "accepted", "reason": None} for i in ids]})

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def tls_collector(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", cert
    server.shutdown()
    server.server_close()


def test_an_untrusted_certificate_is_refused_and_changes_nothing(tls_collector, queue, make_responses, monkeypatch):
    url, _ = tls_collector
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    for r in make_responses(3):
        queue.enqueue(r)
    session = requests.Session()
    session.verify = False  # someone "fixed" the certificate error this way: the uploader does not follow
    result = Uploader(session, url, "t", timeout=(2, 5)).upload_batch(queue, 10)
    assert result.error_code == "tls" and "certificate" in result.error
    assert queue.count_by_status()["pending"] == 3
    assert check_connection(url, timeout=2, session=session).code == "tls"


def test_a_certificate_from_the_configured_ca_bundle_is_accepted(tls_collector, queue, make_responses, monkeypatch):
    url, cert = tls_collector
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # an office's own CA, the supported way
    for r in make_responses(3):
        queue.enqueue(r)
    result = Uploader(requests.Session(), url, "t", timeout=(2, 5)).upload_batch(queue, 10)
    assert result.ok and result.sent == 3
    assert check_connection(url, timeout=2).ok
