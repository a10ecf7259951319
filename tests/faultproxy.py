"""A small fault-injecting HTTP proxy on loopback, between the uploader and the real collector.

One request per client connection; every answer it passes on says `Connection: close`, so
the client opens a fresh connection for the next request. Faults apply to ingest posts
(`POST /api/v1/responses`) only, one per request, in the order queued in `faults`:

  "drop_before"  close the client connection (RST) without forwarding: the server never saw the batch
  "drop_after"   forward, let the server answer, then reset the client connection: the answer is lost
  "503"          answer 503 with Retry-After: 0 without forwarding
  "captive"      answer a Wi-Fi login page (200 text/html) without forwarding
  "slow"         forward, then hold the answer for `slow_s` (longer than the client's read timeout)
  "truncated"    forward, then pass on the headers and half the body, and close
  "kill"         forward, call `on_kill()` (SIGKILL the collector) as soon as the request is sent,
                 and reset the client connection
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from collections import deque

CAPTIVE_PAGE = (b"<!DOCTYPE html><html><head><title>Hotspot Login</title></head><body>"
                b"<h1>Selamat datang</h1><form method='post' action='/login'>Voucher: <input name='v'>"
                b"</form></body></html>")
FAULTS = ("drop_before", "drop_after", "503", "captive", "slow", "truncated", "kill")


class FaultProxy:
    def __init__(self, upstream_port: int, *, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.faults: deque[str] = deque()
        self.applied: list[str] = []       # faults actually applied, in order
        self.forwarded = 0                 # requests that reached the upstream
        self.slow_s = 2.0
        self.on_kill = None
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept_loop, name="faultproxy", daemon=True)
        self._accepter.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stopping.set()
        self._accepter.join(5)
        self._server.close()
        for t in self._threads:
            t.join(5)

    # -- plumbing ----------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except (socket.timeout, OSError):
                continue
            t = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()] + [t]
            t.start()

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(10)
        try:
            request = _read_request(client)
            if request is None:
                return
            head, body = request
            first = head.split(b"\r\n", 1)[0]
            ingest = first.startswith(b"POST ") and b"/api/v1/responses" in first
            fault = self.faults.popleft() if ingest and self.faults else None
            if fault:
                self.applied.append(fault)
            if fault == "drop_before":
                return _reset(client)
            if fault == "503":
                return client.sendall(_answer(503, b'{"detail": "maintenance"}', b"application/json",
                                              b"Retry-After: 0\r\n"))
            if fault == "captive":
                return client.sendall(_answer(200, CAPTIVE_PAGE, b"text/html; charset=utf-8"))
            answer = self._forward(_close_header(head) + body, kill=fault == "kill")
            if fault in ("drop_after", "kill") or answer is None:
                return _reset(client)
            answer = _close_answer(answer)
            if fault == "slow":
                self._stopping.wait(self.slow_s)  # close() cuts the stall short
            if fault == "truncated":
                split = answer.index(b"\r\n\r\n") + 4
                answer = answer[: split + max(1, (len(answer) - split) // 2)]
            client.sendall(answer)
        except OSError:
            pass
        finally:
            try:
                client.close()
            except OSError:
                pass

    def _forward(self, request: bytes, *, kill: bool) -> bytes | None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            return None
        try:
            upstream.sendall(request)
            self.forwarded += 1
            if kill and self.on_kill is not None:
                self.on_kill()
            chunks = []
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks) or None
        except OSError:
            return None
        finally:
            upstream.close()


def _read_request(sock: socket.socket) -> tuple[bytes, bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n", body


def _close_header(head: bytes) -> bytes:
    """The same request head with `Connection: close`, so the upstream ends the answer with EOF."""
    lines = [line for line in head.rstrip(b"\r\n").split(b"\r\n")
             if not line.lower().startswith((b"connection:", b"keep-alive:"))]
    return b"\r\n".join(lines + [b"Connection: close"]) + b"\r\n\r\n"


def _close_answer(answer: bytes) -> bytes:
    head, sep, body = answer.partition(b"\r\n\r\n")
    return _close_header(head + sep) + body


def _answer(status: int, body: bytes, ctype: bytes, extra: bytes = b"") -> bytes:
    reason = {200: b"OK", 503: b"Service Unavailable"}[status]
    return (b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%sConnection: close\r\n\r\n"
            % (status, reason, ctype, len(body), extra) + body)


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0): what a dropped Wi-Fi link or a killed middlebox looks like."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
