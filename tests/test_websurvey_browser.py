"""A phone-sized headless Chromium fills in the web survey on the real collector (127.0.0.1)."""
import subprocess
import sys




def test_citizen_fills_in_the_survey_on_a_phone(collector_server, browser, tmp_path):
    server = collector_server()
    office = server.add_demo_office()
    link = subprocess.run([sys.executable, "-m", "kiosk", "qr", "link", "--db", server.db_url, "--office", office,
                           "--base-url", server.url], capture_output=True, text=True, check=True).stdout.strip()
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="id-ID")
    page.goto(link)
    page.get_by_text("Kartu Keluarga", exact=True).click()
    answers = {"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 1, "U9": 3}
    for code, value in answers.items():
        page.locator(f'label[for="{code}-{value}"]').click()  # a finger on the face, not on a hidden input
    page.get_by_text("Perempuan", exact=True).click()
    page.screenshot(path=str(tmp_path / "filled.png"), full_page=True)
    page.get_by_role("button", name="Kirim").click()
    page.wait_for_selector("text=Terima kasih!")
    page.go_back()  # back and send again: still one respondent
    assert server.stored_count(office) == 1
    from collector.ingest import stored_responses

    with server.engine.begin() as conn:
        (response,) = stored_responses(conn, office)
    assert response.answers == answers and response.service_id == "kk"
    assert response.channel == "web" and response.profile == {"gender": "f"}


def test_unanswered_questions_are_shown_in_english(collector_server, browser):
    server = collector_server()
    office = server.add_demo_office()
    from collector import links

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(links.make_link(server.engine, office, "ktp-el").url(server.url) + "?lang=en")
    page.locator('label[for="U1-4"]').click()
    page.get_by_role("button", name="Send").click()
    assert page.get_by_role("alert").inner_text() == "Please answer the marked questions."
    assert page.locator("fieldset.error").count() == 8
    assert page.locator("#U1-4").is_checked()
    assert server.stored_count(office) == 0
