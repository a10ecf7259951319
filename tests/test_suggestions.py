"""Kritik dan saran: the unsur matcher, the moderated feed on SQLite and PostgreSQL (search, paging, states with
their audit lines), the dashboard page behind the session's CSRF token, the CLI, the public pages (approved only)
and the Laporan's BAB IV summary equal to the dashboard's counts."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest

from collector import records, suggestions, voiding
from collector.ingest import store_batch
from collector.login import SESSION_COOKIE
from collector.suggestion_groups import OTHER, groups_of
from fixtures_collector import DEMO_OFFICE, make_wire

WITA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize("text, groups", [
    ("Antrian terlalu lama, mohon ditambah loket", ("U3",)),
    ("Saya mengantri dua jam", ("U3",)),
    ("Lama menunggu di ruang tunggu", ("U3", "U9")),  # menunggu is U3, the waiting room U9
    ("Ada pungli di loket, harus bayar 50 ribu", ("U4",)),
    ("Petugasnya ramah dan sopan", ("U7",)),
    ("Ruang tunggu panas, AC mati, kursi kurang", ("U9",)),
    ("Persyaratan tidak jelas di papan informasi", ("U1", "U6")),
    ("Pengaduan saya tidak ditanggapi", ("U8",)),
    ("The queue was long and the staff were rude", ("U3", "U7")),
    ("Too expensive, I had to pay a fee", ("U4",)),
    ("Alamat kantor sulit dicari", (OTHER,)),       # "alamat" holds "lama" but is not about time
    ("Selamat, terima kasih", (OTHER,)),             # "selamat" neither
    ("Jaminan mutu", (OTHER,)),                       # "jam" is a whole word only
    ("", (OTHER,)),
])
def test_the_matcher_tells_the_unsur_a_comment_talks_about(text, groups):
    assert groups_of(text) == groups


def test_the_matcher_keeps_to_the_office_questionnaire():
    assert groups_of("AC mati dan antri lama", ["U1", "U2", "U3"]) == ("U3",)
    assert groups_of("AC mati", ["U1", "U2", "U3"]) == (OTHER,)


COMMENTS = [  # (comment, service, days after 2 March 2026, flags)
    ("Antrian terlalu lama", "ktp-el", 0, []),
    ("Petugas RAMAH sekali", "kk", 10, []),
    ("Ada pungli 100% di loket_2", "ktp-el", 20, []),
    ("Ruang tunggu panas", "kk", 30, []),
    ("Terima kasih", "ktp-el", 40, []),
    ("Simulasi: antrian", "ktp-el", 50, ["simulated"]),
    ("Cepat sekali, Él petugas élégant", "ktp-el", 60, []),
]


def _store(engine) -> list[str]:
    wires = []
    for text, service, days, flags in COMMENTS:
        wire = make_wire(service_id=service, submitted_at=datetime(2026, 3, 2, 8, tzinfo=WITA) + timedelta(days=days),
                         flags=flags)
        wire["comment"] = text
        wire["profile"] = {"gender": "f", "age_group": "25-34"}
        wires.append(wire)
    wires.append(make_wire())  # no comment: not a suggestion
    results = store_batch(engine, DEMO_OFFICE, wires, channel="kiosk", now=NOW)
    assert {r.status for r in results} == {"accepted"}
    return [w["id"] for w in wires[:len(COMMENTS)]]


@pytest.fixture
def office(collector_db_url):
    from collector import db, migrations
    from kiosk.config import DEMO_CONFIG

    engine = db.make_engine(collector_db_url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    ids = _store(engine)
    yield engine, collector_db_url, ids
    engine.dispose()


def _texts(feed) -> list[str]:
    return [s.text for s in feed.items]


def test_feed_newest_first_counted_only_paged_and_searched(office):
    engine, _, ids = office
    feed = suggestions.feed(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1])
    # The simulated response's comment is not in the default feed; newest first.
    assert _texts(feed) == [c[0] for c in reversed(COMMENTS) if not c[3]]
    assert all(s.state == suggestions.NEW for s in feed.items)
    everything = suggestions.feed(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1], include_uncounted=True)
    assert [s.left_out for s in everything.items if not s.counted] == ["simulated"]
    paged = suggestions.feed(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1], page=2, per_page=4)
    assert (paged.total, paged.pages, _texts(paged)) == (6, 2, ["Petugas RAMAH sekali", "Antrian terlalu lama"])
    # Case-insensitive, also beyond ASCII; % and _ are themselves, not wildcards.
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="ramah")) == ["Petugas RAMAH sekali"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="ÉLÉGANT")) == ["Cepat sekali, Él petugas élégant"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="100%")) == ["Ada pungli 100% di loket_2"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="loket_")) == ["Ada pungli 100% di loket_2"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="a%n")) == []
    # Office-local dates, service and group filters; group counts under the other filters.
    march = suggestions.feed(engine, DEMO_OFFICE, date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 12))
    assert _texts(march) == ["Petugas RAMAH sekali", "Antrian terlalu lama"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, service="kk")) == ["Ruang tunggu panas", "Petugas RAMAH sekali"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, group="U3")) == ["Cepat sekali, Él petugas élégant",
                                                                          "Antrian terlalu lama"]
    assert feed.groups == {"U1": 0, "U2": 0, "U3": 2, "U4": 1, "U5": 0, "U6": 0, "U7": 2, "U8": 0, "U9": 1,
                           OTHER: 1}


def test_hide_show_approve_each_in_the_audit_log(office):
    engine, _, ids = office
    done = suggestions.change_state(engine, [ids[0], ids[1]], "approve", actor="kasi", reason="sopan", now=NOW)
    assert done == {"changed": [ids[0], ids[1]], "unchanged": []}
    suggestions.change_state(engine, [ids[1]], "hide", actor="kasi", reason="menyebut nama",
                             now=NOW + timedelta(minutes=1))
    again = suggestions.change_state(engine, [ids[1].upper()], "hide", actor="kasi", now=NOW + timedelta(minutes=2))
    assert again == {"changed": [], "unchanged": [ids[1]]}
    suggestions.change_state(engine, [ids[1]], "show", actor="kepala", now=NOW + timedelta(hours=1))
    states = {s.response_id: s.state for s in suggestions.feed(engine, DEMO_OFFICE).items}
    assert (states[ids[0]], states[ids[1]], states[ids[2]]) == ("approved", "new", "new")
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, state="approved")) == ["Antrian terlalu lama"]
    lines = [(e["action"], e["response_id"], e["actor"], e["reason"], e["detail"])
             for e in voiding.audit(engine, DEMO_OFFICE)]
    assert lines == [
        ("suggestion-approve", ids[0], "kasi", "sopan", {"from": "new", "to": "approved"}),
        ("suggestion-approve", ids[1], "kasi", "sopan", {"from": "new", "to": "approved"}),
        ("suggestion-hide", ids[1], "kasi", "menyebut nama", {"from": "approved", "to": "hidden"}),
        ("suggestion-show", ids[1], "kepala", "", {"from": "hidden", "to": "new"}),
    ]
    # The comment itself is never touched.
    assert suggestions.feed(engine, DEMO_OFFICE, search="ramah").items[0].text == "Petugas RAMAH sekali"


@pytest.mark.parametrize("call, says", [
    (lambda e, ids: suggestions.change_state(e, ["bukan-uuid"], "hide", actor="a"), "'bukan-uuid' is not a response id"),
    (lambda e, ids: suggestions.change_state(e, [ids[0]], "delete", actor="a"), "the action 'delete' must be one of"),
    (lambda e, ids: suggestions.change_state(e, [ids[0]], "hide", actor="a", office_id="lain"),
     f"there is no response {{}} of office 'lain'"),
    (lambda e, ids: suggestions.feed(e, DEMO_OFFICE, state="gone"), "state 'gone' must be one of new, hidden"),
    (lambda e, ids: suggestions.feed(e, DEMO_OFFICE, group="U99"), "group 'U99' must be one of U1"),
    (lambda e, ids: suggestions.feed(e, "tidak-ada"), "there is no office 'tidak-ada'"),
])
def test_mistakes_are_one_sentence(office, call, says):
    from kiosk.errors import UserError

    engine, _, ids = office
    with pytest.raises(UserError) as raised:
        call(engine, ids)
    assert says.format(ids[0]) in str(raised.value)


@pytest.fixture
def site(office):
    """The collector in-process on the same database, a fixed clock, an admin logged in (session and CSRF)."""
    from fastapi.testclient import TestClient

    from collector.app import create_app

    engine, url, ids = office
    app = create_app(url, clock=lambda: NOW)
    records.add_admin(engine, "admin", "rahasia-sekali")
    with TestClient(app) as client:
        cookie = app.state.logins.start_session(records.Admin("admin", None))
        client.cookies.set(SESSION_COOKIE, cookie)
        yield client, engine, ids, app.state.logins.session(cookie).csrf
    app.state.engine.dispose()


def _rows(html: str) -> list[tuple[str, str, str]]:
    """(response id, state, text) of each row of the page's suggestion table."""
    table = re.search(r'<table id="suggestions">(.*?)</table>', html, re.S).group(1)
    return [(rid, state, unescape(re.sub(r"<[^>]+>", "", text)).strip())
            for rid, state, text in re.findall(r'<tr data-response="([^"]+)" data-state="(\w+)">.*?'
                                               r'<td class="text">(.*?)</td>', table, re.S)]


def test_dashboard_filters_and_moderates_with_the_session_token(site):
    client, engine, ids, csrf = site
    office_page = client.get(f"/admin/offices/{DEMO_OFFICE}", params={"from": "2026-01-01", "to": "2026-12-31"}).text
    link = re.search(r'<a href="([^"]+)" id="suggestions-link">(.*?)</a>', office_page).groups()
    assert link == (f"/admin/offices/{DEMO_OFFICE}/suggestions?lang=id&amp;from=2026-01-01&amp;to=2026-12-31",
                    "Kritik dan saran (6 baru)")  # not yet moderated, counted responses only
    page = client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", params={"from": "2026-01-01", "to": "2026-12-31"})
    assert page.status_code == 200 and csrf in page.text
    assert [t for _, _, t in _rows(page.text)] == [c[0] for c in reversed(COMMENTS) if not c[3]]
    shown = suggestions.feed(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1])
    counts = dict(re.findall(r'<tr data-group="(\w+)">.*?<td class="num">(\d+)</td>', page.text, re.S))
    assert {k: int(v) for k, v in counts.items()} == shown.groups
    found = client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", params={"q": "PUNGLI", "service": "ktp-el"}).text
    assert [t for _, _, t in _rows(found)] == ["Ada pungli 100% di loket_2"]
    with_all = client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", params={"all": "1", "group": "U3"}).text
    assert "Simulasi: antrian (not counted: simulated)" in [t.replace("tidak dihitung", "not counted")
                                                           for _, _, t in _rows(with_all)]
    target = f"/admin/offices/{DEMO_OFFICE}/suggestions/{ids[2]}?q=pungli&lang=en"
    stale = client.post(target, data={"action": "approve", "csrf": "lama"}, follow_redirects=False)
    assert stale.status_code == 403 and suggestions.feed(engine, DEMO_OFFICE, state="approved").total == 0
    done = client.post(target, data={"action": "approve", "reason": "layak tayang", "csrf": csrf},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("suggestions?lang=en&q=pungli")
    assert [s.response_id for s in suggestions.feed(engine, DEMO_OFFICE, state="approved").items] == [ids[2]]
    assert voiding.audit(engine, DEMO_OFFICE)[-1] | {"at": None, "office_id": None} == {
        "at": None, "office_id": None, "actor": "admin", "action": "suggestion-approve", "response_id": ids[2],
        "reason": "layak tayang", "detail": {"from": "new", "to": "approved"}}
    wrong = client.post(f"/admin/offices/{DEMO_OFFICE}/suggestions/{ids[2]}", data={"action": "hapus", "csrf": csrf})
    assert "the action &#39;hapus&#39; must be one of hide, show, approve" in wrong.text
    english = client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", params={"lang": "en", "state": "approved"}).text
    assert "Suggestions (kritik dan saran)" in english and "approved for publication" in english
    assert _rows(english) == [(ids[2], "approved", "Ada pungli 100% di loket_2")]
    indonesian = client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", params={"state": "approved"}).text
    assert "disetujui untuk dipublikasikan" in indonesian
    assert client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", params={"from": "kemarin"}).status_code == 400
    assert client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", params={"state": "x"}).status_code == 400


def test_an_admin_of_another_office_may_neither_read_nor_moderate(site):
    import base64

    client, engine, ids, _ = site
    records.add_office(engine, "kantor-lain", "Kantor Lain", timezone_name="Asia/Makassar")
    records.add_admin(engine, "kepala-lain", "kata-sandi-kepala", office_ids=("kantor-lain",))
    client.cookies.clear()
    login = {"Authorization": "Basic " + base64.b64encode(b"kepala-lain:kata-sandi-kepala").decode()}
    assert client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", headers=login).status_code == 403
    refused = client.post(f"/admin/offices/{DEMO_OFFICE}/suggestions/{ids[0]}", data={"action": "approve"},
                          headers=login, follow_redirects=False)
    assert refused.status_code == 403 and suggestions.feed(engine, DEMO_OFFICE, state="approved").total == 0
    # Its own office's page cannot reach another office's comment either.
    moved = client.post(f"/admin/offices/kantor-lain/suggestions/{ids[0]}", data={"action": "approve"},
                        headers=login, follow_redirects=False)
    assert "there%20is%20no%20response" in moved.headers["location"].replace("+", "%20")
    assert suggestions.feed(engine, DEMO_OFFICE, state="approved").total == 0


def test_public_pages_show_approved_suggestions_only(site):
    client, engine, ids, _ = site
    wire = make_wire(submitted_at=datetime(2026, 6, 1, 9, tzinfo=WITA))
    wire["comment"] = "<script>alert(1)</script> & antri lama"
    store_batch(engine, DEMO_OFFICE, [wire], channel="kiosk", now=NOW)
    texts = [c[0] for c in COMMENTS]
    for path in (f"/p/{DEMO_OFFICE}", f"/tv/{DEMO_OFFICE}"):
        html = client.get(path).text
        assert 'id="suggestions"' not in html and not any(t in unescape(html) for t in texts)
    suggestions.change_state(engine, [ids[0], wire["id"]], "approve", actor="kasi", now=NOW)
    suggestions.change_state(engine, [ids[1]], "hide", actor="kasi", now=NOW)
    suggestions.change_state(engine, [ids[5]], "approve", actor="kasi", now=NOW)  # simulated: never public
    for path in (f"/p/{DEMO_OFFICE}", f"/tv/{DEMO_OFFICE}", f"/p/{DEMO_OFFICE}?lang=en"):
        html = client.get(path).text
        listed = re.search(r'<ul id="suggestions">(.*?)</ul>', html, re.S).group(1)
        assert [unescape(q) for q in re.findall(r"<q>(.*?)</q>", listed)] == [wire["comment"], "Antrian terlalu lama"]
        assert "<script>" not in html and "&lt;script&gt;" in listed
        assert not any(t in unescape(html) for t in texts[1:])  # new, hidden and simulated ones stay out
        assert "25-34" not in html  # no profile


def kiosk_admin(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", "admin", *args, "--db", url], capture_output=True, text=True,
                          timeout=120)


def test_command_line_lists_searches_and_moderates(office):
    engine, url, ids = office
    listed = kiosk_admin(url, "suggestions", "--office", DEMO_OFFICE, "--from", "2026-03-01", "--to", "2026-03-31",
                         "--search", "ANTRI", "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    assert [(s["text"], s["counted"], s["groups"]) for s in found["suggestions"]] == [
        ("Antrian terlalu lama", True, ["U3"])]  # the simulated one is dated April (day 50)
    approved = kiosk_admin(url, "suggestion-approve", ids[0], ids[3], "--reason", "layak", "--by", "kasi")
    assert approved.returncode == 0, approved.stderr
    assert json.loads(approved.stdout) == {"state": "approved", "changed": [ids[0], ids[3]], "unchanged": []}
    hidden = kiosk_admin(url, "suggestion-hide", ids[3], "--office", DEMO_OFFICE, "--by", "kasi")
    assert json.loads(hidden.stdout)["changed"] == [ids[3]]
    text = kiosk_admin(url, "suggestions", "--office", DEMO_OFFICE, "--state", "approved")
    assert text.returncode == 0 and text.stdout.splitlines() == [
        f"{ids[0]}  2026-03-02  approved  U3          Antrian terlalu lama", "1 suggestion(s), page 1 of 1"]
    audit = [json.loads(line) for line in kiosk_admin(url, "audit", "--office", DEMO_OFFICE).stdout.splitlines()]
    assert [(a["action"], a["response_id"], a["actor"], a["reason"]) for a in audit] == [
        ("suggestion-approve", ids[0], "kasi", "layak"), ("suggestion-approve", ids[3], "kasi", "layak"),
        ("suggestion-hide", ids[3], "kasi", "")]


@pytest.mark.parametrize("collector_backend", ["sqlite"])  # the refusals come before the database matters
@pytest.mark.parametrize("args, says", [
    (("suggestions", "--office", "tidak-ada"), "there is no office 'tidak-ada'."),
    (("suggestions", "--office", DEMO_OFFICE, "--group", "U12"), "group 'U12' must be one of U1, U2"),
    (("suggestions", "--office", DEMO_OFFICE, "--from", "2026-12-01", "--to", "2026-01-01"), "is after to"),
    (("suggestions", "--office", DEMO_OFFICE, "--per-page", "500"), "a page hold 1 to 200 suggestions"),
    (("suggestions", "--office", DEMO_OFFICE, "--from", "kemarin"), "expected a date YYYY-MM-DD, got 'kemarin'"),
    (("suggestion-show", "bukan-id"), "'bukan-id' is not a response id (a UUID)."),
    (("suggestion-approve", "{id}", "--office", "kantor-lain"), "there is no response {id} of office 'kantor-lain'."),
])
def test_command_line_mistakes_are_one_sentence(office, args, says):
    engine, url, ids = office
    done = kiosk_admin(url, *(a.format(id=ids[0]) for a in args))
    assert done.returncode != 0 and says.format(id=ids[0]) in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing (poppler-utils)")
@pytest.mark.parametrize("collector_backend", ["sqlite"])  # the feed's queries are held on both backends above
def test_the_laporan_summarises_them_with_the_dashboard_numbers(site, tmp_path):
    from collector.report_pdf import build_pdf
    from collector.reports import report_source

    client, engine, ids, _ = site
    suggestions.change_state(engine, [ids[2], ids[3]], "approve", actor="kasi", now=NOW)
    suggestions.change_state(engine, [ids[4]], "hide", actor="kasi", now=NOW)
    page = client.get(f"/admin/offices/{DEMO_OFFICE}/suggestions", params={"from": "2026-01-01", "to": "2026-12-31"})
    dashboard = {code: int(n) for code, n in
                 re.findall(r'<tr data-group="(\w+)">.*?<td class="num">(\d+)</td>', page.text, re.S)}
    total = int(re.search(r'<span id="total">(\d+)</span>', page.text).group(1))
    source = report_source(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1])
    assert (source.suggestions.total, source.suggestions.groups) == (total, dashboard) == (6, {
        "U1": 0, "U2": 0, "U3": 2, "U4": 1, "U5": 0, "U6": 0, "U7": 2, "U8": 0, "U9": 1, OTHER: 1})
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(build_pdf(source, generated_at=NOW))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    bab4 = flat[flat.rindex("E. Kritik dan Saran Responden"):]
    assert "Pada periode ini 6 responden yang dihitung menuliskan kritik dan saran" in bab4
    table = bab4[bab4.index("Tabel 4.5"):bab4.index("Dari 6 kritik dan saran")]
    assert re.search(r"U3 Waktu penyelesaian 2\b", table) and re.search(r"U7 Perilaku pelaksana 2\b", table)
    assert re.search(r"U4 Biaya/tarif 1\b", table) and "Lainnya (tidak terkait unsur tertentu) 1" in table
    assert "U1 Persyaratan" not in table  # groups nobody spoke of are left out of the table
    assert "2 disetujui untuk dipublikasikan, 1 disembunyikan (tetap disimpan) dan 3 belum ditinjau" in bab4
    # Approved examples only, newest first; the hidden and the new ones are not quoted.
    assert "“Ruang tunggu panas” (2026-04-01)" in bab4 and "“Ada pungli 100% di loket_2” (2026-03-22)" in bab4
    assert "Terima kasih" not in bab4 and "Antrian terlalu lama" not in bab4
    lampiran = flat[flat.rindex("Lampiran 3"):]
    assert "saran disetujui untuk dipublikasikan" in lampiran and "saran disembunyikan" in lampiran
    # The workbook's sheet holds the same Tabel 4.5, the moderation counts and the approved examples only.
    import io

    import openpyxl

    from collector.report_xlsx import build_xlsx

    sheet = openpyxl.load_workbook(io.BytesIO(build_xlsx(source, generated_at=NOW)))["Kritik dan Saran"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[:7] == [["Kelompok (unsur yang dibicarakan)", "Jumlah saran"], ["U3 Waktu penyelesaian", 2],
                        ["U4 Biaya/tarif", 1], ["U7 Perilaku pelaksana", 2], ["U9 Sarana dan prasarana", 1],
                        ["Lainnya (tidak terkait unsur tertentu)", 1],
                        ["Jumlah kritik dan saran (tiap saran dihitung sekali)", 6]]
    assert rows[8:12] == [["Status moderasi", "Jumlah saran"], ["Disetujui untuk dipublikasikan", 2],
                          ["Disembunyikan (tetap disimpan)", 1], ["Belum ditinjau", 3]]
    assert rows[14:] == [["Ruang tunggu panas", "2026-04-01", "kk"], ["Ada pungli 100% di loket_2", "2026-03-22",
                                                                       "ktp-el"]]


def test_in_chromium_an_admin_approves_one_and_mode_tv_shows_it(collector_server, browser, tmp_path):
    """The real `kiosk serve`, Debian's headless Chromium: log in, office page -> suggestions, search, approve."""
    from fixtures_browser import keep_screenshot, watch

    server = collector_server()
    office = server.add_demo_office()
    now = datetime.now(timezone.utc)
    start = max(datetime(now.year, 1, 2, 8, tzinfo=WITA), now - timedelta(days=30))
    wires = []
    for n, (text, service, _, flags) in enumerate(COMMENTS):
        wire = make_wire(service_id=service, submitted_at=min(start + timedelta(hours=n * 5), now - timedelta(hours=1)),
                         flags=flags)
        wire["comment"] = text
        wires.append(wire)
    assert {r.status for r in store_batch(server.engine, office, wires, channel="kiosk", now=now)} == {"accepted"}
    records.add_admin(server.engine, "kepala", "rahasia-sekali")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(f"{server.url}/admin/offices/{office}")  # to the login page and back, as a person does
    page.locator('input[name="name"]').fill("kepala")
    page.locator('input[name="password"]').fill("rahasia-sekali")
    page.locator('button[type="submit"]').click()
    page.get_by_role("link", name="Kritik dan saran").click()
    assert page.locator("#suggestions tr[data-response]").count() == 6  # the simulated one is not counted
    page.locator('input[name="q"]').fill("antrian")
    page.get_by_role("button", name="Tampilkan", exact=True).click()
    row = page.locator("#suggestions tr[data-response]")
    assert row.count() == 1 and "Antrian terlalu lama" in row.inner_text()
    row.locator('input[name="reason"]').fill("layak ditayangkan")
    row.get_by_role("button", name="Setujui untuk dipublikasikan").click()  # the form carries the CSRF token
    page.wait_for_selector('#suggestions tr[data-state="approved"]')
    assert page.locator('input[name="q"]').input_value() == "antrian"  # back to the same filters
    assert [(s.text, s.changed_by) for s in suggestions.feed(server.engine, office, state="approved").items] == [
        ("Antrian terlalu lama", "kepala")]
    page.goto(f"{server.url}/admin/offices/{office}/suggestions")
    page.screenshot(path=str(tmp_path / "dashboard-suggestions.png"), full_page=True)
    tv = browser.new_page(viewport={"width": 1920, "height": 1080})
    tv_problems = watch(tv)
    tv.goto(f"{server.url}/tv/{office}")
    assert tv.locator("#suggestions li").all_inner_texts() == ["Antrian terlalu lama"]
    assert tv.evaluate("document.documentElement.scrollHeight") <= 1080
    page.goto(f"{server.url}/p/{office}")
    assert "Antrian terlalu lama" in page.locator("#suggestions").inner_text()
    assert "Petugas RAMAH sekali" not in page.content()
    assert problems == [] and tv_problems == []
    keep_screenshot(tmp_path / "dashboard-suggestions.png")
