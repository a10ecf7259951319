"""The shapes on the wire of the v1 API, as pydantic models: they document the API (OpenAPI) for clients and fuzzers.

Ingest parses its body itself (gzip, size limits, a reason per item), so `ResponsesEnvelope` and
`WireResponse` only describe it; the strict checks are kiosk.response.validate_wire's. Its answer is
written by ingest_results_json in the shape of `IngestResults`, which describes it.
"""
from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from kiosk.questionnaire import LOCALES, PROFILE
from kiosk.response import CHANNELS, COMMENT_MAX, FLAGS
from sync.wire import MAX_BATCH, ItemStatus

Status = Literal[tuple(s.value for s in ItemStatus)]  # type: ignore[valid-type]


class Health(BaseModel):
    status: Literal["ok"]


class Problem(BaseModel):
    detail: str


class EnrollProblem(Problem):
    """Why an enrolment was refused: `code` is one of unknown-code, expired-code, used-code, no-services."""

    code: str


class WireResponse(BaseModel):
    """One respondent's questionnaire, as DESIGN.md puts it on the wire."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="a UUID made on the device", json_schema_extra={"format": "uuid"})
    office_id: str = Field(min_length=1)
    service_id: str | None = None
    questionnaire: str = Field(min_length=1, examples=["skm-2017"])
    questionnaire_version: int = Field(examples=[1])
    channel: Literal[CHANNELS] = "kiosk"  # type: ignore[valid-type]
    locale: Literal[LOCALES] = "id"  # type: ignore[valid-type]
    started_at: str = Field(json_schema_extra={"format": "date-time"})
    submitted_at: str = Field(json_schema_extra={"format": "date-time"})
    answers: dict[str, int] = Field(description="unsur code to answer 1..4; skipped unsur are absent")
    extra: dict[str, Any] = Field(default_factory=dict)
    profile: dict[str, str] = Field(default_factory=dict, description="keys: " + ", ".join(PROFILE))
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    complete: bool = True
    flags: list[Literal[FLAGS]] = Field(default_factory=list)  # type: ignore[valid-type]


class ResponsesEnvelope(BaseModel):
    responses: list[WireResponse] = Field(max_length=MAX_BATCH)


class ItemResult(BaseModel):
    id: str | None = Field(description="the item's id, null when it had none")
    status: Status
    reason: str | None = Field(description="why, for duplicate, conflict and rejected")


class IngestResults(BaseModel):
    results: list[ItemResult] = Field(description="one per item, in input order")


def ingest_results_json(results: list[dict[str, Any]]) -> bytes:
    """The IngestResults body for results ingest made ({"id", "status", "reason"} each), as compact JSON.

    Text goes out as UTF-8 as it is; an id that is not valid Unicode (JSON can carry a lone surrogate)
    is escaped instead, so even that item gets its "rejected" rather than the whole batch a server error.
    """
    document = {"results": results}
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(document, separators=(",", ":")).encode("ascii")


class EnrollRequest(BaseModel):
    code: str = Field(min_length=1, max_length=64, examples=["ABCD-EFGH-JKMN"])


class EnrollAnswer(BaseModel):
    kiosk_id: str
    token: str = Field(description="the kiosk's bearer token; shown once, keep it secret")
    config: dict[str, Any] = Field(description="the office config, ready to write as config.toml")


class Report(BaseModel):
    """The report JSON of DESIGN.md, made by kiosk.ikm."""

    model_config = ConfigDict(extra="allow")

    scope: dict[str, Any]
    respondents: int
    unsur: list[dict[str, Any]]
    ikm: float | None
    ikm_converted: float | None
    mutu: str | None
    kinerja: str | None
    sample: dict[str, Any]
    channels: dict[str, int] = Field(default_factory=dict, description="respondents counted, by channel")
    excluded: dict[str, int] = Field(default_factory=dict, description=(
        "complete responses in scope the counting rule left out, by reason (simulated, fast, voided, ...)"))
    flagged: dict[str, int] = Field(default_factory=dict, description=(
        "counted responses carrying a flag that did not keep them out, such as clock"))
    counting_rule: dict[str, Any] = Field(default_factory=dict, description="the counting rule that applied")


def component_schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """JSON schemas of models for the OpenAPI components section (refs point there)."""
    _, top = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")
    return top.get("$defs", {})
