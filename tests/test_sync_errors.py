"""Why an upload failed: every refusal gets a code the UI can translate and a detail that says what to do."""
from __future__ import annotations

import pytest

from sync.errors import ERROR_CODES, classify_refusal

WHERE = "https://skm.example.id/api/v1/responses"


@pytest.mark.parametrize("status, headers, code, words", [
    (401, {"Content-Type": "application/json"}, "unauthorised", "enrol the kiosk again"),
    (401, {"Content-Type": "text/html; charset=utf-8"}, "captive_portal", "web page"),
    (403, {"Content-Type": "text/html"}, "captive_portal", "web page"),
    (403, {"Content-Type": "application/json"}, "bad_response", "refused the upload"),
    (302, {"Location": "http://login.hotspot/"}, "captive_portal", "to http://login.hotspot/"),
    (511, {}, "captive_portal", "Wi-Fi login page"),
    (429, {}, "server", "HTTP 429"),
    (503, {}, "server", "HTTP 503"),
    (413, {}, "server", "batch of 12 too large"),
    (404, {}, "bad_response", f"to {WHERE}: is the sync URL right?"),
])
def test_refusals_are_classified(status, headers, code, words):
    got_code, detail = classify_refusal(status, headers, items=12, where=WHERE)
    assert got_code == code and got_code in ERROR_CODES
    assert words in detail
