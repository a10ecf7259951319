"""Structured access logs: one JSON line per request, never with answers, comments or credentials."""
from __future__ import annotations

import json
import logging
import time

log = logging.getLogger("collector.access")


class AccessLog:
    """ASGI middleware: method, path, status, duration and the kiosk (set by the auth dependency) per request;
    for uploads also the number of items and how many were accepted, duplicate, conflict or rejected."""

    def __init__(self, app, clock=time.perf_counter):
        self.app, self.clock = app, clock

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = self.clock()
        state = scope.setdefault("state", {})
        status = {"code": 500}

        async def send_and_note(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            record = {
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status["code"],
                "duration_ms": round((self.clock() - started) * 1000, 1),
                "kiosk_id": state.get("kiosk_id"),
                "admin": state.get("admin"),
                "items": state.get("items"),
                "outcome": state.get("outcome"),
                "client": (scope.get("client") or (None,))[0],
            }
            log.info(json.dumps({k: v for k, v in record.items() if v is not None}, separators=(",", ":")))


class JsonLineFormatter(logging.Formatter):
    """Access records are already JSON; other records become {"level", "logger", "message"}."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name == log.name:
            return record.getMessage()
        entry = {"level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, separators=(",", ":"))
