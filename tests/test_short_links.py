"""Short codes a person types from a poster: one per link, resolved by /s/{code} on SQLite and PostgreSQL,
forgotten with the link secret, and refused to a client that keeps guessing."""
import re
from collections import Counter

from collector import links, shortlinks
from collector.ingest import stored_responses
from kiosk import qr

OFFICE = "dukcapil-butur"


def test_codes_use_only_symbols_that_cannot_be_misread():
    codes = [qr.new_short_code() for _ in range(300)]
    assert all(len(c) == 8 for c in codes)
    used = Counter("".join(codes))
    assert not set(used) & set("01ILO") and set(used) <= set(qr.SHORT_ALPHABET)
    assert len(used) > 25  # random over the whole alphabet, not a fixed few
    assert qr.normal_short_code(" k7qm-3xpa ") == "K7QM3XPA"
    assert qr.normal_short_code("K7QM-3XP0") is None and qr.normal_short_code("K7QM3XP") is None
    assert qr.printed_short_code("K7QM3XPA") == "K7QM-3XPA"


def test_one_code_per_link_kept_until_the_secret_rotates(web_survey):
    _, engine = web_survey
    office_wide, kk = shortlinks.code_for(engine, OFFICE), shortlinks.code_for(engine, OFFICE, "kk")
    assert office_wide != kk and shortlinks.code_for(engine, OFFICE, "kk") == kk
    assert shortlinks.resolve(engine, qr.printed_short_code(kk).lower()) == (OFFICE, "kk")
    assert shortlinks.resolve(engine, office_wide) == (OFFICE, None)
    links.rotate_link_secret(engine)
    assert shortlinks.resolve(engine, kk) is None  # withdrawn together with the QR codes
    assert shortlinks.code_for(engine, OFFICE, "kk") not in (kk, office_wide)


def test_a_colliding_new_code_is_drawn_again(web_survey):
    _, engine = web_survey
    taken = shortlinks.code_for(engine, OFFICE, make=lambda: "AAAAAAAA")
    draws = iter(["AAAAAAAA", "BBBBBBBB"])
    assert shortlinks.code_for(engine, OFFICE, "kk", make=lambda: next(draws)) == "BBBBBBBB" != taken


def test_typed_code_opens_the_survey_and_stores_the_answer(web_survey):
    client, engine = web_survey
    code = qr.printed_short_code(shortlinks.code_for(engine, OFFICE, "kk")).lower()  # as a hurried person types
    page = client.get(f"/s/{code}")
    assert page.status_code == 200 and 'name="service"' not in page.text  # the code names the service
    form = dict(re.findall(r'name="(rid|started|form_token)" value="([^"]+)"', page.text))
    answer = client.post(f"/s/{code}", data=form | {f"U{i}": "3" for i in range(1, 10)})
    assert answer.status_code == 200 and "Terima kasih" in answer.text
    with engine.begin() as conn:
        (stored,) = stored_responses(conn, OFFICE)
    assert (stored.channel, stored.service_id) == ("web", "kk")


def test_guessing_is_refused_after_ten_misses_a_minute(web_survey):
    client, engine = web_survey
    real = shortlinks.code_for(engine, OFFICE)
    wrong = "23456789"
    assert wrong != real
    for _ in range(10):
        miss = client.get(f"/s/{wrong}")
        assert miss.status_code == 404 and "Tidak ada survei dengan kode ini" in miss.text
    refused = client.get(f"/s/{real}?lang=en")  # even the right code: a hit must not show through
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 61
    assert "Too many codes that do not exist" in refused.text
    # The signed link of the QR code is not a guess and stays open to the same client.
    assert client.get(f"/s/{links.make_link(engine, OFFICE).token}").status_code == 200
