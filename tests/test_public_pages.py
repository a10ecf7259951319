"""GET /p/{office} and /tv/{office}: published results equal to the report JSON, no personal data, both languages,
the office's switch (CLI and dashboard), and the dashboard's follow-up forms behind the session's CSRF token."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest

from collector import followup, publication, records
from collector.ingest import store_batch
from collector.login import SESSION_COOKIE
from fixtures_collector import DEMO_OFFICE, make_wire

WITA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def site(collector_db_url):
    """The collector in-process with a fixed clock, 2026 answers of the demo office and 2025 ones, and plans."""
    from fastapi.testclient import TestClient

    from collector.app import create_app
    from kiosk.config import DEMO_CONFIG

    app = create_app(collector_db_url, clock=lambda: NOW)
    engine = app.state.engine
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    wires = []
    for n in range(23):  # uneven answers so that rounding matters; two services; a skipped unsur
        answers = {f"U{k}": 1 + (n * k + n // 3) % 4 for k in range(1, 10)}
        if n % 5 == 0:
            del answers["U8"]
        wire = make_wire(service_id="ktp-el" if n % 3 else "kk", answers=answers,
                         submitted_at=datetime(2026, 3, 2, 8, tzinfo=WITA) + timedelta(days=n * 9, minutes=n))
        wire["comment"] = "Petugas bernama Budi Santoso lambat" if n == 4 else None
        wire["profile"] = {"gender": "f", "age_group": "25-34"}
        wires.append(wire)
    assert {r.status for r in store_batch(engine, DEMO_OFFICE, wires, channel="kiosk", now=NOW)} == {"accepted"}
    last_year = datetime(2025, 6, 2, 8, tzinfo=WITA)  # received then, so dated by its own clock
    assert store_batch(engine, DEMO_OFFICE, [make_wire(submitted_at=last_year)], channel="kiosk",
                       now=last_year + timedelta(minutes=1))[0].status == "accepted"
    followup.add(engine, DEMO_OFFICE, period="2026", unsur="U3", action="Antrean daring pengambilan KTP-el",
                 quarter="2027-Q1", person="Kasi Pelayanan", forum_date="2026-12-10", now=NOW)
    old = followup.add(engine, DEMO_OFFICE, period="2025", unsur="U9", action="Kursi ruang tunggu ditambah",
                       quarter="2026-Q1", person="Sekretariat", now=NOW)
    followup.change(engine, old.id, status="done", note="Dua puluh kursi dipasang", now=NOW)
    records.add_admin(engine, "admin", "rahasia-sekali")
    with TestClient(app) as client:
        yield client, engine, collector_db_url


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert found, element_id
    return unescape(found.group(1)).strip()


def _rows(html: str, table_id: str) -> dict[str, list[str]]:
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = {}
    for code, body in re.findall(r'<tr data-code="(U\d)">(.*?)</tr>', table, re.S):
        rows[code] = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
    return rows


def test_public_page_equals_the_report_json(site):
    client, engine, _ = site
    answer = client.get(f"/p/{DEMO_OFFICE}")
    assert answer.status_code == 200
    report = client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, "from": "2026-01-01",
                                                        "to": "2026-12-31"}, auth=("admin", "rahasia-sekali")).json()
    html = answer.text
    assert report["respondents"] == 23
    assert _text(html, "respondents") == str(report["respondents"])
    assert _text(html, "ikm") == publication.number(report["ikm_converted"], 2, "id")
    assert _text(html, "ikm") == f"{report['ikm_converted']:.2f}".replace(".", ",")
    assert _text(html, "ikm-index") == publication.number(report["ikm"], 4, "id")
    assert _text(html, "mutu") == report["mutu"] and _text(html, "kinerja") == report["kinerja"]
    rows = _rows(html, "unsur")
    assert set(rows) == {u["code"] for u in report["unsur"]}
    for u in report["unsur"]:
        assert rows[u["code"]][1:] == [publication.number(u["nrr"], 4, "id"), f"{u['converted']:.2f}".replace(".", ","),
                                       u["mutu"]]
    assert "Antrean daring pengambilan KTP-el" in html and "direncanakan" in html
    assert "Kursi ruang tunggu ditambah" in html and "Dua puluh kursi dipasang" in html and "selesai" in html
    assert "tahun 2026" in html and "tahun 2025" in html
    assert "Budi" not in html and "25-34" not in html  # no comments, no profile


def test_english_and_another_period(site):
    client, _, _ = site
    html = client.get(f"/p/{DEMO_OFFICE}", params={"lang": "en", "period": "2026-S1"}).text
    report = client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, "from": "2026-01-01",
                                                        "to": "2026-06-30"}, auth=("admin", "rahasia-sekali")).json()
    assert _text(html, "period") == "semester 1 2026"
    assert _text(html, "ikm") == f"{report['ikm_converted']:.2f}"
    assert _text(html, "respondents") == str(report["respondents"]) and 0 < report["respondents"] < 23
    assert "What we will do about it" in html and "Results per element" in html
    assert "No follow-up plan has been recorded for this period yet." in html
    assert client.get(f"/p/{DEMO_OFFICE}", params={"period": "2026-S3"}).status_code == 400
    assert client.get(f"/tv/{DEMO_OFFICE}", params={"period": "0001"}).status_code == 200  # nothing before it
    assert client.get("/p/tidak-ada").status_code == 404


def test_tv_ranks_services_and_refreshes_itself(site):
    client, _, _ = site
    answer = client.get(f"/tv/{DEMO_OFFICE}")
    assert answer.status_code == 200 and answer.headers["refresh"] == "60"
    html = answer.text
    assert '<meta http-equiv="refresh" content="60">' in html and "<script" not in html and "style=" not in html
    report = client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, "from": "2026-01-01",
                                                        "to": "2026-12-31"}, auth=("admin", "rahasia-sekali")).json()
    assert _text(html, "ikm") == f"{report['ikm_converted']:.2f}".replace(".", ",")
    values = [float(v.replace(",", ".")) for v in re.findall(r'<span class="value">([\d,.]+)</span>', html)]
    expected = sorted((s["ikm_converted"] for s in report["services"]), reverse=True)
    assert values == expected and len(values) == 2
    assert 'class="needle"' in html and html.count("data-band=") == 4
    assert "Content-Security-Policy" in answer.headers or "content-security-policy" in answer.headers


def test_publication_switch_from_the_command_line(site):
    client, engine, url = site
    off = subprocess.run([sys.executable, "-m", "kiosk", "admin", "publication", "--office", DEMO_OFFICE, "--off",
                          "--db", url], capture_output=True, text=True, timeout=120)
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["public"] is False
    assert client.get(f"/p/{DEMO_OFFICE}").status_code == 404
    assert client.get(f"/tv/{DEMO_OFFICE}").status_code == 404
    on = subprocess.run([sys.executable, "-m", "kiosk", "admin", "publication", "--office", DEMO_OFFICE, "--on",
                         "--db", url], capture_output=True, text=True, timeout=120)
    assert json.loads(on.stdout)["public"] is True and client.get(f"/p/{DEMO_OFFICE}").status_code == 200
    bad = subprocess.run([sys.executable, "-m", "kiosk", "admin", "publication", "--office", "tidak-ada", "--off",
                          "--db", url], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "there is no office 'tidak-ada'" in bad.stderr and "Traceback" not in bad.stderr


def test_dashboard_adds_and_updates_the_plan_with_the_session_token(site):
    client, engine, _ = site
    logins = client.app.state.logins
    cookie = logins.start_session(records.Admin("admin", None))
    csrf = logins.session(cookie).csrf
    client.cookies.set(SESSION_COOKIE, cookie)
    page = client.get(f"/admin/offices/{DEMO_OFFICE}/followup", params={"period": "2026"})
    assert page.status_code == 200 and "Antrean daring pengambilan KTP-el" in page.text and csrf in page.text
    form = {"unsur": "U7", "action": "Pelatihan layanan prima", "quarter": "2027-q2", "person": "Kepala Dinas",
            "forum_date": "2026-12-10"}
    stale = client.post(f"/admin/offices/{DEMO_OFFICE}/followup?period=2026", data={**form, "csrf": "lama"},
                        follow_redirects=False)
    assert stale.status_code == 403 and len(followup.plans(engine, DEMO_OFFICE, "2026")) == 1
    added = client.post(f"/admin/offices/{DEMO_OFFICE}/followup?period=2026", data={**form, "csrf": csrf},
                        follow_redirects=False)
    assert added.status_code == 303
    plan = [p for p in followup.plans(engine, DEMO_OFFICE, "2026") if p.unsur == "U7"][0]
    assert (plan.quarter, plan.person, plan.updated_by) == ("2027-Q2", "Kepala Dinas", "admin")
    wrong = client.post(f"/admin/offices/{DEMO_OFFICE}/followup?period=2026",
                        data={**form, "quarter": "besok", "csrf": csrf})
    assert "quarter &#39;BESOK&#39; must be written YYYY-QN" in wrong.text
    done = client.post(f"/admin/offices/{DEMO_OFFICE}/followup/{plan.id}",
                       data={"status": "in-progress", "note": "Angkatan pertama", "csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert (followup.get(engine, plan.id).status, followup.get(engine, plan.id).note) == ("in-progress",
                                                                                          "Angkatan pertama")
    switched = client.post(f"/admin/offices/{DEMO_OFFICE}/publication", data={"public": "0", "csrf": csrf},
                           follow_redirects=False)
    assert switched.status_code == 303 and not publication.is_public(engine, DEMO_OFFICE)
    assert client.get(f"/p/{DEMO_OFFICE}").status_code == 404


def test_early_in_a_year_the_latest_period_is_last_year(site):
    _, engine, _ = site
    # 2 January 2027 in WITA: nobody has answered in 2027 yet.
    shown = publication.published(engine, DEMO_OFFICE, now=datetime(2027, 1, 1, 18, tzinfo=timezone.utc))
    assert shown.period == "2026" and shown.report["respondents"] == 23
    assert publication.published(engine, DEMO_OFFICE, now=NOW, period="2027").report["respondents"] == 0
