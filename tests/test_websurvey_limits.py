"""Ballot stuffing cannot move the index: rate limits shared by two real collectors on one database
(SQLite and PostgreSQL), held answers reviewed and accepted with the admin commands."""
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from collector import links, ratelimit
from collector.held import held_answers, held_count
from collector.reports import office_report
from kiosk.errors import UserError

ANSWERS = {f"U{i}": "4" for i in range(1, 10)}
HANDFUL = 6  # the default soft limit of one client per minute


def hidden(page: str) -> dict:
    return dict(re.findall(r'name="(rid|started|form_token)" value="([^"]+)"', page))


def answer_once(base: str, token: str, client: str | None = None, answers: dict = ANSWERS) -> requests.Response:
    """One citizen (or one bot round): open the form, send it. `client` poses as a client address through
    X-Forwarded-For, which the collector trusts from 127.0.0.1 only (as from a local reverse proxy)."""
    headers = {"X-Forwarded-For": client} if client else {}
    with requests.Session() as phone:
        form = hidden(phone.get(f"{base}/s/{token}", headers=headers).text)
        return phone.post(f"{base}/s/{token}", data=form | answers, headers={**headers, "Origin": base})


def admin(server, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", "admin", *args, "--db", server.db_url],
                          capture_output=True, text=True)


def test_a_burst_from_one_client_moves_the_count_by_a_handful(collector_server, collector_db_url):
    first, second = collector_server(collector_db_url), collector_server(collector_db_url)
    office = first.add_demo_office()
    token = links.make_link(first.engine, office, "kk").token
    honest = {f"10.1.0.{n}": {**ANSWERS, "U1": "3"} for n in range(1, 6)}
    for n, (client, answers) in enumerate(honest.items()):
        assert answer_once((first, second)[n % 2].url, token, client, answers).status_code == 200
    before = office_report(first.engine, office)
    assert before["respondents"] == 5

    started = time.monotonic()
    bad = {**ANSWERS, **{f"U{i}": "1" for i in range(1, 10)}}
    with ThreadPoolExecutor(4) as pool:  # 300 posts from one address, spread over both collectors
        statuses = list(pool.map(lambda n: answer_once((first, second)[n % 2].url, token, "203.0.113.9",
                                                       bad).status_code, range(300)))
    elapsed = time.monotonic() - started
    assert elapsed < 60, "the burst must fit in a minute to test the per-minute limits"
    # A burst that straddles a minute boundary is judged by the sliding estimate (this window's posts plus
    # the previous window's, weighted by their overlap), which lets through at most limit * elapsed/60 more.
    straddle = 1 + elapsed / 60
    after = office_report(first.engine, office)
    counted = after["respondents"] - before["respondents"]
    held = held_answers(first.engine, office)
    print(f"burst of 300 posts in {elapsed:.1f} s: {counted} counted, {len(held)} held, "
          f"{statuses.count(429)} refused (429)")
    assert counted <= HANDFUL * straddle
    assert statuses.count(200) == counted + len(held) and set(statuses) == {200, 429}
    assert len(held) + counted <= 30 * straddle  # the hard limit: the rest was not even stored
    assert first.stored_count(office) == 5 + counted + len(held)
    assert after["ikm"] < before["ikm"]  # what was counted is honest data too: the handful counts

    # The admin sees the held answers and may count them after all.
    listed = json.loads(admin(first, "held", "--office", office).stdout)
    assert {a["id"] for a in listed} == {a["id"] for a in held}
    assert all("suspect-rate" in a["flags"] for a in listed)
    one = admin(first, "accept-held", "--office", office, listed[0]["id"])
    assert one.returncode == 0, one.stderr
    assert office_report(first.engine, office)["respondents"] == after["respondents"] + 1
    everything = admin(first, "accept-held", "--office", office, "--all")
    assert len(json.loads(everything.stdout)["accepted"]) == len(listed) - 1
    assert office_report(first.engine, office)["respondents"] == after["respondents"] + len(listed)
    assert held_answers(first.engine, office) == []
    from collector.voiding import audit

    logged = [line for line in audit(first.engine, office) if line["action"] == "accept-held"]
    assert sorted(line["response_id"] for line in logged) == sorted(a["id"] for a in listed)
    assert {line["actor"] for line in logged} == {"admin-cli"}
    refused = admin(first, "accept-held", "--office", office, listed[0]["id"])
    assert refused.returncode != 0 and "holds no answer" in refused.stderr and "Traceback" not in refused.stderr


def test_a_link_limit_holds_then_refuses_many_clients(collector_server, monkeypatch):
    monkeypatch.setenv(ratelimit.ENV, "link/60=3:5")
    server = collector_server()
    office = server.add_demo_office()
    token = links.make_link(server.engine, office, "ktp-el").token
    answers = [answer_once(server.url, token, f"10.2.0.{n}") for n in range(1, 9)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 61
    assert "Terlalu banyak jawaban" in answers[-1].text
    assert office_report(server.engine, office)["respondents"] == 3
    assert len(held_answers(server.engine, office)) == 2 == held_count(server.engine, office)
    # Another link of the same office has limits of its own.
    other = links.make_link(server.engine, office, "kk").token
    assert answer_once(server.url, other, "10.2.0.99").status_code == 200
    assert office_report(server.engine, office)["respondents"] == 4


def test_limits_are_tuned_in_one_setting():
    tuned = {limit.name: limit for limit in ratelimit.parse_limits("client/60=10:50, link/86400=900:9000")}
    assert (tuned["client/60"].soft, tuned["client/60"].hard) == (10, 50)
    assert tuned["link/86400"].hard == 9000 and tuned["client/3600"] == ratelimit.DEFAULT_LIMITS[1]
    for bad in ("client/60=50:10", "office/60=1:2", "client=1:2", "client/60=a:b"):
        with pytest.raises(UserError, match="KIOSK_WEB_LIMITS"):
            ratelimit.parse_limits(bad)


def test_one_client_is_an_address_or_an_ipv6_64():
    assert ratelimit.client_key("203.0.113.9") == "203.0.113.9"
    assert ratelimit.client_key("2001:db8:1:2:aaaa::1") == ratelimit.client_key("2001:db8:1:2:bbbb::7")
    assert ratelimit.client_key("2001:db8:1:2::1") != ratelimit.client_key("2001:db8:1:3::1")
    assert ratelimit.client_key("::ffff:203.0.113.9") == "203.0.113.9"


def test_an_admin_reviews_and_accepts_held_answers_in_the_dashboard(collector_server, monkeypatch):
    monkeypatch.setenv(ratelimit.ENV, "client/60=0:100")  # every answer is held
    server = collector_server()
    office = server.add_demo_office()
    name, password = server.add_admin()
    token = links.make_link(server.engine, office, "kk").token
    for n in range(3):
        assert answer_once(server.url, token, f"10.3.0.{n}").status_code == 200
    assert office_report(server.engine, office)["respondents"] == 0
    browser = requests.Session()
    page = browser.get(f"{server.url}/admin/login", headers={"Accept": "text/html"}).text
    form = dict(re.findall(r'name="(token|next)" value="([^"]*)"', page))
    assert browser.post(f"{server.url}/admin/login", data=form | {"name": name, "password": password}).ok
    summary = browser.get(f"{server.url}/admin/offices/{office}").text
    assert "Jawaban ditahan: 3" in re.sub(r"<[^>]+>", "", summary)
    listing = browser.get(f"{server.url}/admin/offices/{office}/held").text
    ids = re.findall(r'name="id" value="([^"]+)"', listing)
    csrf = re.search(r'name="csrf" value="([^"]+)"', listing).group(1)
    assert len(ids) == 3
    forged = browser.post(f"{server.url}/admin/offices/{office}/held", data={"id": ids[0], "csrf": "forged"})
    assert forged.status_code == 403
    done = browser.post(f"{server.url}/admin/offices/{office}/held", data={"id": ids[0], "csrf": csrf})
    assert done.status_code == 200 and "Jawaban diterima: 1" in done.text
    assert office_report(server.engine, office)["respondents"] == 1
    rest = browser.post(f"{server.url}/admin/offices/{office}/held", data={"all": "1", "csrf": csrf})
    assert "Tidak ada jawaban yang ditahan" in rest.text
    assert held_count(server.engine, office) == 0  # and the office page's link goes with the last one
    assert f"/admin/offices/{office}/held?" not in browser.get(f"{server.url}/admin/offices/{office}").text
    assert office_report(server.engine, office)["respondents"] == 3
    from collector.voiding import audit

    assert {line["actor"] for line in audit(server.engine, office) if line["action"] == "accept-held"} == {name}
