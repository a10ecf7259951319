"""The web survey behind a printed QR link, on SQLite and PostgreSQL: render, validate, store once."""
import re

import pytest

from collector import links
from collector.app import create_app
from collector.ingest import stored_responses

OFFICE = "dukcapil-butur"
ALL_FOUR = {f"U{i}": "4" for i in range(1, 10)}


def hidden(page: str) -> dict:
    return dict(re.findall(r'name="(rid|started|form_token)" value="([^"]+)"', page))


def stored(engine):
    with engine.begin() as conn:
        return stored_responses(conn, OFFICE)


def test_link_opens_all_nine_questions_in_both_languages(web_survey):
    client, engine = web_survey
    token = links.make_link(engine, OFFICE).token
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    assert page.text.count('type="radio" id="U') == 36
    assert "Bagaimana pendapat Saudara tentang kesesuaian persyaratan" in page.text
    assert "Kartu Keluarga" in page.text  # office-wide link: the citizen picks the service
    english = client.get(f"/s/{token}?lang=en")
    assert "How well did the requirements fit" in english.text and 'lang="en"' in english.text


def test_submit_stores_one_web_response(web_survey):
    client, engine = web_survey
    token = links.make_link(engine, OFFICE, "kk").token
    page = client.get(f"/s/{token}").text
    assert 'name="service"' not in page  # the link names the service
    form = hidden(page) | ALL_FOUR | {"U4": "2", "gender": "f", "comment": "  Ruang tunggu nyaman  "}
    answer = client.post(f"/s/{token}", data=form)
    assert answer.status_code == 200 and "Terima kasih" in answer.text
    assert client.post(f"/s/{token}", data=form).status_code == 200  # pressed "send" twice
    (response,) = stored(engine)
    assert (response.channel, response.service_id, response.office_id) == ("web", "kk", OFFICE)
    assert response.answers == {**{k: 4 for k in ALL_FOUR}, "U4": 2}
    assert response.profile == {"gender": "f"} and response.comment == "Ruang tunggu nyaman"
    assert response.submitted_at.endswith("+08:00")  # the office's zone, Asia/Makassar


def test_missing_answers_are_marked_and_nothing_is_stored(web_survey):
    client, engine = web_survey
    token = links.make_link(engine, OFFICE).token
    form = hidden(client.get(f"/s/{token}").text) | {"U1": "4", "U2": "9"}
    answer = client.post(f"/s/{token}", data=form)
    assert answer.status_code == 422
    assert "Mohon jawab pertanyaan yang ditandai" in answer.text
    marked = set(re.findall(r'id="q-(U\d)" class="error"', answer.text))
    assert marked == {f"U{i}" for i in range(2, 10)}
    assert 'value="1" checked' not in answer.text and 'id="U1-4" name="U1" value="4" checked' in answer.text
    assert stored(engine) == []


def test_unknown_service_is_refused(web_survey):
    client, engine = web_survey
    token = links.make_link(engine, OFFICE).token
    form = hidden(client.get(f"/s/{token}").text) | ALL_FOUR | {"service": "paspor"}
    assert client.post(f"/s/{token}", data=form).status_code == 422
    assert stored(engine) == []


@pytest.mark.parametrize("token", ["dukcapil-butur.-.AAAAAAAAAAAAAAAAAAAAAA", "nope", "a.b.c.d"])
def test_forged_links_are_not_found(web_survey, token):
    client, engine = web_survey
    assert client.get(f"/s/{token}").status_code == 404
    assert client.post(f"/s/{token}", data=ALL_FOUR).status_code == 404
    assert stored(engine) == []


def test_link_to_a_service_the_office_lacks_is_not_found(web_survey):
    client, engine = web_survey
    token = links.make_link(engine, OFFICE, "paspor").token
    assert client.get(f"/s/{token}").status_code == 404


def test_the_secret_is_shared_by_every_process(web_survey, collector_db_url):
    client, engine = web_survey
    other = create_app(collector_db_url).state.engine
    assert links.link_secret(engine) == links.link_secret(other)
    other.dispose()
