"""POST /api/v1/heartbeat: a kiosk's health (version, queue, clock, storage), kept as the latest and a short history."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Callable, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import BigInteger, Column, Float, Integer, Table, Text, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from collector import envelope
from collector.db import reading, writing
from collector.problems import UNAUTHORISED_KIOSK
from collector.records import KioskRecord, stamp
from collector.schemas import Problem
from collector.tables import metadata
from sync.wire import HEARTBEAT_PATH

MAX_BODY_BYTES = 8 * 1024  # a heartbeat is a few hundred bytes; anything bigger is not one
KEEP_HISTORY = timedelta(hours=48)
_YEAR_S = 365 * 86400.0
# A device clock further off than this is not a wrong clock but garbage (or a dead RTC battery at 1970).
_EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)

def _columns() -> list[Column]:
    return [
        Column("received_at", Text, nullable=False),
        Column("app_version", Text, nullable=False),
        Column("pending", Integer, nullable=False),
        Column("sent", Integer, nullable=False),
        Column("rejected", Integer, nullable=False),
        Column("oldest_pending_age_s", Float),
        Column("last_error_code", Text),
        Column("device_time", Text, nullable=False),
        Column("clock_offset_s", Float, nullable=False),
        Column("uptime_s", Float),
        Column("storage_free_bytes", BigInteger),
        Column("battery_percent", Float),
        Column("storage_problem", Text),
    ]


kiosk_status = Table("kiosk_status", metadata, Column("kiosk_id", Text, primary_key=True),
                     *_columns())
kiosk_heartbeats = Table("kiosk_heartbeats", metadata, Column("kiosk_id", Text, nullable=False),
                         *_columns())

_Count = Annotated[int, Field(ge=0, le=100_000_000)]
_Seconds = Annotated[float, Field(ge=0, le=20 * _YEAR_S, allow_inf_nan=False)]


class HeartbeatBody(BaseModel):
    """What the sync worker reports; unknown keys are ignored so newer kiosks can say more."""

    model_config = ConfigDict(extra="ignore")

    app_version: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z.+_-]+$")
    pending: _Count
    sent: _Count
    rejected: _Count
    oldest_pending_age_s: _Seconds | None = None
    last_error_code: str | None = Field(default=None, max_length=40, pattern=r"^[a-z_]+$")
    device_time: AwareDatetime = Field(description="the kiosk's own clock when it sent this, with its UTC offset")
    uptime_s: _Seconds | None = None
    storage_free_bytes: Annotated[int, Field(ge=0, le=10 ** 16)] | None = None
    battery_percent: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    # kiosk.storage.Problem's code when the kiosk cannot save now; a code a newer kiosk knows is kept as sent.
    storage_problem: str | None = Field(default=None, max_length=40, pattern=r"^[a-z_]+$")


class HeartbeatAnswer(BaseModel):
    """Stored; the collector's clock and the kiosk's offset from it."""

    status: Literal["ok"]
    server_time: str
    clock_offset_s: float


@dataclass(frozen=True)
class Heartbeat:
    """A kiosk's latest heartbeat as stored; clock_offset_s is the device clock minus the collector's."""

    kiosk_id: str
    received_at: datetime
    app_version: str
    pending: int
    sent: int
    rejected: int
    oldest_pending_age_s: float | None
    last_error_code: str | None
    device_time: str
    clock_offset_s: float
    uptime_s: float | None
    storage_free_bytes: int | None
    battery_percent: float | None
    storage_problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"received_at": stamp(self.received_at), "app_version": self.app_version, "pending": self.pending,
                "sent": self.sent, "rejected": self.rejected, "oldest_pending_age_s": self.oldest_pending_age_s,
                "last_error_code": self.last_error_code, "device_time": self.device_time,
                "clock_offset_s": self.clock_offset_s, "uptime_s": self.uptime_s,
                "storage_free_bytes": self.storage_free_bytes, "battery_percent": self.battery_percent,
                "storage_problem": self.storage_problem}


class HeartbeatRefused(ValueError):
    """The body is not a plausible heartbeat; the message says which value."""


def parse(raw: bytes) -> HeartbeatBody:
    try:
        body = HeartbeatBody.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise HeartbeatRefused(f"{where}: {first.get('msg', 'invalid')}") from None
    if not _EARLIEST <= body.device_time <= _LATEST:
        raise HeartbeatRefused("device_time: must be between 2000 and 2100")
    return body


def record(engine: Engine, kiosk_id: str, body: HeartbeatBody, now: datetime) -> Heartbeat:
    """Store a heartbeat as the kiosk's latest and in its history (history older than 48 h goes)."""
    values = {
        "received_at": stamp(now), "app_version": body.app_version, "pending": body.pending, "sent": body.sent,
        "rejected": body.rejected, "oldest_pending_age_s": body.oldest_pending_age_s,
        "last_error_code": body.last_error_code, "device_time": body.device_time.isoformat(),
        "clock_offset_s": round((body.device_time - now).total_seconds(), 3), "uptime_s": body.uptime_s,
        "storage_free_bytes": body.storage_free_bytes, "battery_percent": body.battery_percent,
        "storage_problem": body.storage_problem,
    }
    with writing(engine) as conn:
        # UPDATE then INSERT: one kiosk sends one heartbeat at a time, and a lost race only means the
        # other, equally fresh, heartbeat is the latest.
        if conn.execute(update(kiosk_status).where(kiosk_status.c.kiosk_id == kiosk_id).values(**values)).rowcount == 0:
            conn.execute(insert(kiosk_status).values(kiosk_id=kiosk_id, **values))
        conn.execute(insert(kiosk_heartbeats).values(kiosk_id=kiosk_id, **values))
        conn.execute(delete(kiosk_heartbeats).where(kiosk_heartbeats.c.kiosk_id == kiosk_id,
                                                    kiosk_heartbeats.c.received_at < stamp(now - KEEP_HISTORY)))
    return _heartbeat(kiosk_id, values)


def _heartbeat(kiosk_id: str, row: Any) -> Heartbeat:
    values = dict(row)
    values.pop("kiosk_id", None)
    values["received_at"] = datetime.fromisoformat(values["received_at"])
    return Heartbeat(kiosk_id=kiosk_id, **values)


def latest(source: Engine | Connection, office_id: str | None = None) -> dict[str, Heartbeat]:
    """kiosk id -> its latest heartbeat (of one office's kiosks, or all)."""
    if isinstance(source, Engine):
        with reading(source) as conn:
            return latest(conn, office_id)
    from collector.tables import kiosks

    query = select(kiosk_status)
    if office_id:
        query = query.join(kiosks, kiosks.c.id == kiosk_status.c.kiosk_id).where(kiosks.c.office_id == office_id)
    return {row.kiosk_id: _heartbeat(row.kiosk_id, row._mapping) for row in source.execute(query)}


def history(engine: Engine, kiosk_id: str) -> list[Heartbeat]:
    """The kiosk's heartbeats of the last 48 h, oldest first."""
    with reading(engine) as conn:
        rows = conn.execute(select(kiosk_heartbeats).where(kiosk_heartbeats.c.kiosk_id == kiosk_id)
                            .order_by(kiosk_heartbeats.c.received_at)).all()
    return [_heartbeat(kiosk_id, row._mapping) for row in rows]


def router(engine: Engine, clock: Callable[[], datetime], kiosk_auth) -> APIRouter:
    routes = APIRouter(tags=["kiosk"])

    @routes.post(HEARTBEAT_PATH, summary="The kiosk's health: version, queue, clock, storage",
                 response_model=HeartbeatAnswer,
                 responses={400: {"description": "not a plausible heartbeat (detail says which value)",
                                  "model": Problem},
                            401: UNAUTHORISED_KIOSK,
                            413: {"description": "larger than 8 KB", "model": Problem}},
                 openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                     "schema": HeartbeatBody.model_json_schema()}}}})
    async def post_heartbeat(request: Request, kiosk: Annotated[KioskRecord, Depends(kiosk_auth)]) -> Any:
        try:
            raw = await envelope.read_limited(request.stream(), request.headers.get("content-length"), MAX_BODY_BYTES)
            body = parse(raw)
        except envelope.EnvelopeError as exc:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status)
        except HeartbeatRefused as exc:
            return JSONResponse({"detail": str(exc)}, status_code=400)
        from starlette.concurrency import run_in_threadpool

        now = clock()
        stored = await run_in_threadpool(record, engine, kiosk.id, body, now)
        return {"status": "ok", "server_time": stamp(now), "clock_offset_s": stored.clock_offset_s}

    return routes
