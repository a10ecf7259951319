"""GET /api/v1/config: the office config for the kiosk of the token, with an ETag."""
from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, timezone

import tomli_w
from sqlalchemy import select

from collector import records
from collector.db import reading
from collector.tables import responses
from fixtures_collector import DEMO_OFFICE, make_wire
from kiosk.config import DEMO_CONFIG


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


def test_office_update_reaches_kiosks_and_redates_responses(collector_app, tmp_path):
    # 23:30 in Makassar (UTC+8) is 22:30 in Jakarta (UTC+7): the same day; 00:30 is the previous day in Jakarta.
    after_midnight = make_wire(submitted_at=datetime(2026, 11, 28, 0, 30, tzinfo=timezone(timedelta(hours=8))))
    collector_app.statuses([after_midnight])
    etag = collector_app.client.get("/api/v1/config", headers=collector_app.auth()).headers["etag"]

    data = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    data["office"]["timezone"] = "Asia/Jakarta"
    data["kiosk"]["idle_timeout_s"] = 90
    data["services"] = [{"id": "kk", "name": {"id": "Kartu Keluarga (KK)", "en": "Family card"}},
                        {"id": "sktm", "name": {"id": "SKTM", "en": "Certificate of low income"}}]
    changed = tmp_path / "office.toml"
    changed.write_text(tomli_w.dumps(data), encoding="utf-8")
    fields = records.office_from_config(changed)
    fields.pop("office_id")
    records.update_office(collector_app.engine, DEMO_OFFICE, **fields)

    answer = collector_app.client.get("/api/v1/config", headers={**collector_app.auth(), "If-None-Match": etag})
    assert answer.status_code == 200
    config = answer.json()
    assert config["office"]["timezone"] == "Asia/Jakarta" and config["kiosk"]["idle_timeout_s"] == 90
    assert [s["id"] for s in config["services"]] == ["kk", "sktm", "ktp-el", "akta-lahir", "pindah-datang"]
    assert config["services"][0]["name"]["id"] == "Kartu Keluarga (KK)"

    with reading(collector_app.engine) as conn:
        assert conn.execute(select(responses.c.local_date)).scalar_one() == "2026-11-27"


def test_the_collector_sends_the_office_config_the_kiosk_would_write(collector_app):
    # One builder: what GET /api/v1/config sends and what the kiosk writes to config.toml have one shape.
    from kiosk import config as office_config

    sent = collector_app.client.get("/api/v1/config", headers=collector_app.auth()).json()
    written = office_config.to_data(office_config.load(DEMO_CONFIG))
    assert sent == written
    assert tomllib.loads(tomli_w.dumps(sent)) == sent
