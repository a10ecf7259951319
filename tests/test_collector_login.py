"""Admin logins: login page and session cookie, logout, expiry, CSRF; throttling shared by collectors; HTTP Basic
for scripts. Against the real `kiosk serve` (SQLite and PostgreSQL) and, for time, the app with a moved clock."""
import re
import time
from datetime import datetime, timedelta, timezone

import requests
from fastapi.testclient import TestClient

from collector import login, records
from collector.app import create_app

HTML = {"Accept": "text/html"}


def login_form(session: requests.Session, base: str, next_path: str = "/admin") -> dict:
    page = session.get(f"{base}/admin/login", params={"next": next_path}, headers=HTML)
    assert page.status_code == 200 and 'type="password"' in page.text
    return dict(re.findall(r'name="(token|next)" value="([^"]*)"', page.text))


def test_log_in_use_the_dashboard_log_out(collector_server, collector_db_url):
    server = collector_server(collector_db_url)
    server.add_demo_office()
    name, password = server.add_admin()
    browser = requests.Session()
    first = browser.get(f"{server.url}/admin/offices/dukcapil-butur", headers=HTML, allow_redirects=False)
    assert first.status_code == 303 and first.headers["Location"] == "/admin/login?next=/admin/offices/dukcapil-butur"
    form = login_form(browser, server.url, "/admin/offices/dukcapil-butur")
    wrong = browser.post(f"{server.url}/admin/login", data=form | {"name": name, "password": "salah-sekali"})
    assert wrong.status_code == 401 and "Nama atau kata sandi salah" in wrong.text
    good = browser.post(f"{server.url}/admin/login", data=form | {"name": name, "password": password},
                        allow_redirects=False)
    assert good.status_code == 303 and good.headers["Location"] == "/admin/offices/dukcapil-butur"
    cookie = good.headers["Set-Cookie"]
    assert "skm_admin=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    dashboard = browser.get(f"{server.url}/admin/offices/dukcapil-butur", headers=HTML)
    assert dashboard.status_code == 200 and "Kabupaten Buton Utara" in dashboard.text or "Dukcapil" in dashboard.text
    assert 'href="/admin/logout' in dashboard.text

    confirm = browser.get(f"{server.url}/admin/logout", headers=HTML)
    csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text).group(1)
    assert browser.post(f"{server.url}/admin/logout", data={"csrf": "forged"}).status_code == 403
    assert browser.post(f"{server.url}/admin/logout", data={"csrf": csrf},
                        headers={"Origin": "https://evil.example"}).status_code == 403
    out = browser.post(f"{server.url}/admin/logout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status_code == 303
    stolen = requests.get(f"{server.url}/admin", headers=HTML, allow_redirects=False,
                          cookies={"skm_admin": cookie.split("skm_admin=")[1].split(";")[0]})
    assert stolen.status_code == 303  # the session ended on the server, not only in this browser


def test_login_form_needs_its_own_token_and_site(collector_server):
    server = collector_server()
    name, password = server.add_admin()
    browser = requests.Session()
    form = login_form(browser, server.url)
    forged = requests.post(f"{server.url}/admin/login", data=form | {"name": name, "password": password},
                           allow_redirects=False)  # no login cookie: a cross-site post
    assert forged.status_code == 403 and "skm_admin" not in forged.headers.get("Set-Cookie", "")
    cross = browser.post(f"{server.url}/admin/login", data=form | {"name": name, "password": password},
                         headers={"Origin": "https://evil.example"}, allow_redirects=False)
    assert cross.status_code == 403
    away = browser.post(f"{server.url}/admin/login", data=form | {"name": name, "password": password,
                                                                  "next": "//evil.example/"}, allow_redirects=False)
    assert away.status_code == 303 and away.headers["Location"] == "/admin"  # no open redirect


def test_a_password_flood_is_throttled_across_collectors_before_any_hashing(collector_server, collector_db_url):
    first, second = collector_server(collector_db_url), collector_server(collector_db_url)
    name, password = first.add_admin()
    for attempt in range(login.FREE_TRIES):  # at a typing pace: within the hash budget of HASH_RATE a second
        assert requests.get(f"{first.url}/api/v1/reports/ikm?office=x", auth=(name, f"salah-{attempt}")).status_code == 401
        time.sleep(1 / login.HASH_RATE)
    started = time.monotonic()
    throttled = [requests.get(f"{(first, second)[n % 2].url}/api/v1/reports/ikm?office=x", auth=(name, "salah"))
                 for n in range(20)]
    statuses = [a.status_code for a in throttled]
    # A try is let through (and fails) only when its wait of 1, then 2 seconds is over.
    assert statuses[0] == 429 and set(statuses) <= {401, 429} and statuses.count(401) <= 2
    assert 1 <= int(throttled[0].headers["Retry-After"]) <= 2
    assert (time.monotonic() - started) / 20 < 0.1, "a throttled try must not cost a password hash"
    # The right password waits too (the account is being guessed), through the login page as well.
    def guess_now() -> None:
        """A wrong try that is let through: the account then surely waits 2 s or more from now."""
        while (answer := requests.get(f"{first.url}/api/v1/reports/ikm?office=x", auth=(name, "salah"))).status_code == 429:
            time.sleep(int(answer.headers["Retry-After"]))
        assert answer.status_code == 401

    guess_now()
    assert requests.get(f"{second.url}/api/v1/reports/ikm?office=x", auth=(name, password)).status_code == 429
    guess_now()
    browser = requests.Session()
    page = browser.post(f"{second.url}/admin/login", data=login_form(browser, second.url) | {
        "name": name, "password": password})
    assert page.status_code == 429 and "Coba lagi dalam" in page.text
    # Another address guessing another account is throttled by its own count, not this one's.
    other = requests.get(f"{first.url}/api/v1/reports/ikm?office=x", auth=("orang-lain", "salah"),
                         headers={"X-Forwarded-For": "10.9.9.9"})
    assert other.status_code == 401


def test_delays_grow_and_are_forgiven_and_sessions_expire(tmp_path):
    now = [datetime(2026, 11, 29, 8, tzinfo=timezone.utc)]
    app = create_app(f"sqlite:///{tmp_path / 'c.db'}", clock=lambda: now[0])
    records.add_admin(app.state.engine, "admin", "rahasia-sekali")
    app.state.logins.budget = login._HashBudget(1, 1000.0)  # this test is about the delays, not the hash budget
    client = TestClient(app)

    def try_wrong() -> int:
        return client.get("/api/v1/reports/ikm?office=x", auth=("admin", "salah")).status_code

    assert [try_wrong() for _ in range(login.FREE_TRIES)] == [401] * login.FREE_TRIES
    waits = []
    for _ in range(4):
        answer = client.get("/api/v1/reports/ikm?office=x", auth=("admin", "salah"))
        assert answer.status_code == 429
        waits.append(int(answer.headers["Retry-After"]))
        now[0] += timedelta(seconds=waits[-1])
        assert try_wrong() == 401  # allowed again once the wait is over, and counted
    assert waits == [1, 2, 4, 8]
    now[0] += timedelta(seconds=login.FORGET_AFTER_S + 1)
    assert try_wrong() == 401 and try_wrong() == 401  # an hour later the slate is clean

    good = client.get("/api/v1/reports/ikm?office=x", auth=("admin", "rahasia-sekali"))
    assert good.status_code == 404  # authenticated; there is no office x
    page = client.get("/admin/login")
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    assert client.post("/admin/login", data={"token": token, "name": "admin", "password": "rahasia-sekali"},
                       follow_redirects=False).status_code == 303
    assert client.get("/admin", headers=HTML, follow_redirects=False).status_code == 200
    now[0] += login.SESSION_TTL + timedelta(seconds=1)
    expired = client.get("/admin", headers=HTML, follow_redirects=False)
    assert expired.status_code == 303 and expired.headers["Location"].startswith("/admin/login")
    app.state.engine.dispose()


def test_delays_double_up_to_a_cap():
    assert [login.delay_after(n, "account") for n in range(4, 9)] == [0, 1, 2, 4, 8]
    assert login.delay_after(100, "account") == login.MAX_DELAY_S["account"]
    assert login.delay_after(100, "address") == login.MAX_DELAY_S["address"]


def test_password_hashing_has_a_budget_per_process():
    budget = login._HashBudget(1, 5.0)  # (the default rate is lower; 5 makes the refill quick to see)
    assert budget.take()
    assert not budget.take()  # one hash at a time: a second login is answered 503 at once, not queued
    budget.give_back()
    taken = []
    for _ in range(5):
        taken.append(budget.take())
        if taken[-1]:
            budget.give_back()
    assert taken == [True] * 4 + [False]  # five a second, the first of them already spent
    time.sleep(0.25)
    assert budget.take()  # refilled at 5 a second
