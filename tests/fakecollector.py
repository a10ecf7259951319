"""An in-memory stand-in for the collector's ingest endpoint, used as a requests session in unit tests.

It follows DESIGN.md's semantics (accepted / duplicate / conflict / rejected, 401 for an
unknown token) and can be scripted to misbehave the ways real networks do.
"""
from __future__ import annotations

import gzip
import json
from collections import deque
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from kiosk.response import canonical_json, validate_wire

CAPTIVE_HTML = (b"<!DOCTYPE html><html><head><title>Login WiFi</title></head>"
                b"<body><form action='/login'>Masukkan voucher</form></body></html>")


def http_response(status: int, body: bytes = b"", content_type: str | None = "application/json",
                  headers: dict[str, str] | None = None, url: str = "") -> requests.Response:
    reply = requests.Response()
    reply.status_code = status
    reply._content = body
    reply.headers = CaseInsensitiveDict(headers or {})
    if content_type:
        reply.headers["Content-Type"] = content_type
    reply.url = url
    return reply


class FakeCollector:
    """Quacks like requests.Session for post() and get(); stores responses in a dict.

    `faults` is a queue of what the next requests do instead of (or besides) answering
    normally: "drop_before", "drop_after", "captive", "redirect", "truncated",
    "timeout_after", "mismatch", "tls", or an int HTTP status (optionally a
    (status, headers) tuple, or (status, "html") for a proxy's web page).
    """

    def __init__(self, office_id: str = "dukcapil-butur", token: str = "good-token"):
        self.office_id = office_id
        self.tokens = {token: office_id}
        self.stored: dict[str, str] = {}
        self.faults: deque = deque()
        self.posts: list[dict[str, Any]] = []  # every request that reached us: headers, kwargs, ids
        self.verify = True
        self.health_status = 200
        self.heartbeats: list[dict[str, Any]] = []  # heartbeat bodies, kept apart from uploads and their faults

    # -- the session surface -----------------------------------------------------------

    def post(self, url: str, data: bytes = b"", headers: dict | None = None, **kwargs) -> requests.Response:
        headers = CaseInsensitiveDict(headers or {})
        if url.endswith("/api/v1/heartbeat"):
            if headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
                return http_response(401, b'{"detail": "unknown token"}')
            self.heartbeats.append(kwargs["json"])
            return http_response(200, b'{"status": "ok"}')
        fault = self.faults.popleft() if self.faults else None
        record = {"url": url, "headers": headers, "kwargs": kwargs, "ids": None, "fault": fault}
        self.posts.append(record)
        if fault == "drop_before":
            raise requests.exceptions.ConnectionError("Connection reset by peer (before the request was read)")
        if fault == "tls":
            raise requests.exceptions.SSLError("certificate verify failed: self-signed certificate")
        if fault == "captive":
            return http_response(200, CAPTIVE_HTML, "text/html; charset=utf-8")
        if fault == "redirect":
            return http_response(302, b"", None, {"Location": "http://10.0.0.1/login"})
        if isinstance(fault, int):
            return http_response(fault, b'{"detail": "unavailable"}')
        if isinstance(fault, tuple) and fault[1] == "html":
            return http_response(fault[0], CAPTIVE_HTML, "text/html")
        if isinstance(fault, tuple):
            return http_response(fault[0], b'{"detail": "slow down"}', headers=fault[1])
        reply = self.ingest(data, headers)
        if reply.status_code == 200 and isinstance(fault, str):
            ids = [r["id"] for r in json.loads(reply.content)["results"]]
            record["ids"] = ids
            if fault == "drop_after":
                raise requests.exceptions.ConnectionError("Connection aborted: RemoteDisconnected")
            if fault == "timeout_after":
                raise requests.exceptions.ReadTimeout("Read timed out. (read timeout=1)")
            if fault == "truncated":
                reply._content = reply.content[: len(reply.content) // 2]
            if fault == "mismatch":
                body = json.loads(reply.content)
                body["results"].reverse()
                reply._content = json.dumps(body).encode()
        elif reply.status_code == 200:
            record["ids"] = [r["id"] for r in json.loads(reply.content)["results"]]
        return reply

    def get(self, url: str, **kwargs) -> requests.Response:
        if url.endswith("/api/v1/health"):
            return http_response(self.health_status, b'{"status": "ok"}' if self.health_status == 200 else b"{}")
        return http_response(404, b'{"detail": "not found"}')

    def close(self) -> None:
        pass

    # -- the collector's semantics -----------------------------------------------------

    def ingest(self, data: bytes, headers) -> requests.Response:
        auth = headers.get("Authorization", "")
        office = self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        if office is None:
            return http_response(401, b'{"detail": "unknown or revoked token"}')
        if headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        envelope = json.loads(data)
        results = []
        for wire in envelope["responses"]:
            rid = wire.get("id")
            problems = validate_wire(wire)
            if not problems and wire["office_id"] != office:
                problems = [f"office_id {wire['office_id']!r} is not this kiosk's office"]
            if problems:
                results.append({"id": rid, "status": "rejected", "reason": "; ".join(problems)})
            elif rid in self.stored:
                same = self.stored[rid] == canonical_json(wire)
                results.append({"id": rid, "status": "duplicate" if same else "conflict",
                                "reason": None if same else "another response with this id is stored"})
            else:
                self.stored[rid] = canonical_json(wire)
                results.append({"id": rid, "status": "accepted", "reason": None})
        return http_response(200, json.dumps({"results": results}).encode())

    def revoke_all(self) -> None:
        self.tokens.clear()
