"""Only the page the collector served can post the web survey: real `kiosk serve` on SQLite and PostgreSQL."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import requests

from collector import formtoken, links

ALL_FOUR = {f"U{i}": "4" for i in range(1, 10)}


def hidden(page: str) -> dict:
    return dict(re.findall(r'name="(rid|started|form_token)" value="([^"]+)"', page))


@pytest.fixture
def served(collector_server, collector_db_url):
    """(server, link url, office) of a real collector with the demo office and a link to its KK service."""
    server = collector_server(collector_db_url)
    office = server.add_demo_office()
    return server, links.make_link(server.engine, office, "kk").url(server.url), office


def open_form(session: requests.Session, url: str) -> dict:
    page = session.get(url)
    assert page.status_code == 200
    assert formtoken.COOKIE in session.cookies
    return hidden(page.text) | ALL_FOUR


def test_the_served_form_posts_once_however_often_it_is_sent(served):
    server, url, office = served
    browser = requests.Session()
    form = open_form(browser, url)
    origin = {"Origin": server.url}
    answers = [browser.post(url, data=form, headers=origin) for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4 and "Terima kasih" in answers[-1].text
    assert server.stored_count(office) == 1


def test_cross_site_post_is_refused_and_stores_nothing(served):
    server, url, office = served
    browser = requests.Session()
    form = open_form(browser, url)
    answer = browser.post(url, data=form, headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert "Formulir ini tidak dapat kami terima" in answer.text and "Tidak ada yang disimpan" in answer.text
    assert f'href="/s/{url.rsplit("/", 1)[1]}?lang=id"' in answer.text  # a way back to a fresh form
    referred = browser.post(url, data=form, headers={"Referer": "https://evil.example/page"})
    assert referred.status_code == 403
    assert browser.post(url, data=form, headers={"Origin": "null"}).status_code == 403
    assert server.stored_count(office) == 0


def test_token_less_cookie_less_and_swapped_posts_are_refused(served):
    server, url, office = served
    browser = requests.Session()
    form = open_form(browser, url)
    without_token = {k: v for k, v in form.items() if k != "form_token"}
    assert browser.post(url, data=without_token).status_code == 403
    # The same form from a browser that never opened it (a cross-site post carries no SameSite cookie).
    assert requests.post(url, data=form).status_code == 403
    # A token is good for its own response id only: minting ids is not possible.
    other = open_form(browser, url)
    assert browser.post(url, data=form | {"rid": other["rid"]}).status_code == 403
    # Nor for another link of the same office.
    ktp = links.make_link(server.engine, office, "ktp-el").url(server.url)
    assert browser.post(ktp, data=form).status_code == 403
    english = browser.post(url + "?lang=en", data=without_token)
    assert english.status_code == 403 and "This form cannot be accepted" in english.text
    assert server.stored_count(office) == 0
    assert browser.post(url, data=other).status_code == 200  # the genuine form still goes through
    assert server.stored_count(office) == 1


def test_a_form_served_by_one_collector_is_taken_by_another_on_the_same_database(collector_server, collector_db_url):
    first = collector_server(collector_db_url)
    second = collector_server(collector_db_url)
    office = first.add_demo_office()
    token = links.make_link(first.engine, office, "kk").token
    browser = requests.Session()
    form = open_form(browser, f"{first.url}/s/{token}")
    # Cookies ignore the port: the second collector gets the browser's cookie, as behind a load balancer.
    answer = browser.post(f"{second.url}/s/{token}", data=form)
    assert answer.status_code == 200, answer.text
    assert first.stored_count(office) == 1


def test_tokens_expire_and_cannot_be_altered():
    secret, now = b"s" * 32, datetime(2026, 11, 29, 8, tzinfo=timezone.utc)
    token = formtoken.issue(secret, rid="r1", link="l1", nonce="n1", now=now)
    assert formtoken.check(secret, token, rid="r1", link="l1", nonce="n1", now=now + timedelta(hours=1)) is None
    assert "expired" in formtoken.check(secret, token, rid="r1", link="l1", nonce="n1",
                                        now=now + formtoken.TTL + timedelta(seconds=1)).reason
    issued, mac = token.split(".")
    moved = f"{int(issued) + 3600}.{mac}"  # a later issue time to stretch its life
    assert formtoken.check(secret, moved, rid="r1", link="l1", nonce="n1", now=now) is not None
    assert formtoken.check(b"t" * 32, token, rid="r1", link="l1", nonce="n1", now=now) is not None
    assert formtoken.check(secret, token, rid="r1", link="l1", nonce="n2", now=now) is not None
