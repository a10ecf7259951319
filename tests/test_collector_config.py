"""GET /api/v1/config: the office config for the kiosk of the token, with an ETag."""
from __future__ import annotations

from collector import records
from fixtures_collector import DEMO_OFFICE


def test_config_is_the_office_of_the_token_with_an_etag(collector_app):
    answer = collector_app.client.get("/api/v1/config", headers=collector_app.auth())
    assert answer.status_code == 200
    assert answer.json()["office"]["id"] == DEMO_OFFICE
    assert answer.headers["etag"].startswith('"')


def test_unchanged_config_is_304(collector_app):
    etag = collector_app.client.get("/api/v1/config", headers=collector_app.auth()).headers["etag"]
    again = collector_app.client.get("/api/v1/config", headers={**collector_app.auth(), "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    stale = collector_app.client.get("/api/v1/config", headers={**collector_app.auth(), "If-None-Match": '"old"'})
    assert stale.status_code == 200


def test_a_change_to_the_office_changes_the_etag(collector_app):
    first = collector_app.client.get("/api/v1/config", headers=collector_app.auth())
    records.add_service(collector_app.engine, DEMO_OFFICE, "sktm", "Surat keterangan tidak mampu",
                        "Certificate of low income")
    second = collector_app.client.get("/api/v1/config",
                                      headers={**collector_app.auth(), "If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.headers["etag"] != first.headers["etag"]
    assert [s["id"] for s in second.json()["services"]][-1] == "sktm"


def test_config_needs_a_live_token(collector_app):
    assert collector_app.client.get("/api/v1/config").status_code == 401
    records.revoke_kiosk(collector_app.engine, collector_app.kiosk_id)
    assert collector_app.client.get("/api/v1/config", headers=collector_app.auth()).status_code == 401
