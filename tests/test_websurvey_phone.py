"""The web survey on phones of every size: no horizontal scroll at 320, 360 and 390 px in both languages,
touch targets of at least 48 px, and sending works with JavaScript on and off. Real headless Chromium
against the real collector."""

import pytest

from collector import links

WIDTHS = (320, 360, 390)
TAPPABLE = "label, button, a, textarea, select"


@pytest.fixture(scope="module")
def survey_url(module_collector_server):
    server = module_collector_server
    office = server.add_demo_office()
    return server, office, links.make_link(server.engine, office).url(server.url)


# Every tappable element's box measured in one evaluation: two Playwright round trips per element (its
# bounding_box, then its name) made each width test take 25 s or more. Elements with no box
# (display: none) are left out, as Playwright's bounding_box() leaves them out.
BOXES = """selector => [...document.querySelectorAll(selector)]
    .filter(e => e.getClientRects().length > 0)
    .map(e => { const r = e.getBoundingClientRect();
                return {name: e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30),
                        x: r.x, width: r.width, height: r.height}; })"""


def problems_of(page, width: int) -> list[str]:
    """What would make a thumb's life hard: anything wider than the screen, anything tappable under 48 px."""
    found = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        found.append(f"page is {scroll_width} px wide")
    boxes = page.evaluate(BOXES, TAPPABLE)
    assert boxes, "no tappable element measured"
    for box in boxes:
        name = box["name"]
        if box["x"] < 0 or box["x"] + box["width"] > width + 0.5:
            found.append(f"{name} reaches past the screen edge")
        if box["width"] < 48 or box["height"] < 48:
            found.append(f"{name} is {box['width']:.0f} x {box['height']:.0f} px")
    return found


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_every_phone_width_fits_in_both_languages(browser, survey_url, javascript):
    _, _, url = survey_url
    for width in WIDTHS:
        for lang in ("id", "en"):
            context = browser.new_context(viewport={"width": width, "height": 740}, java_script_enabled=javascript)
            page = context.new_page()
            page.goto(f"{url}?lang={lang}")
            assert problems_of(page, width) == [], (width, lang)
            page.get_by_role("button").click()  # nothing answered: the page with the marks must fit too
            assert page.locator("fieldset.error").count() > 0
            assert problems_of(page, width) == [], (width, lang, "after a refused send")
            context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_sending_from_the_smallest_phone(browser, survey_url, javascript):
    server, office, url = survey_url
    before = server.stored_count(office)  # the module's server: the other sending test may have stored one
    context = browser.new_context(viewport={"width": 320, "height": 568}, java_script_enabled=javascript,
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(url)
    page.locator('label[for="service-kk"]').tap()
    for code in (f"U{i}" for i in range(1, 10)):
        page.locator(f'label[for="{code}-4"]').tap()
    send = page.get_by_role("button", name="Kirim")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320 and box["height"] >= 48
    send.tap()
    page.wait_for_selector("text=Terima kasih!")
    assert problems_of(page, 320) == []
    context.close()
    assert server.stored_count(office) == before + 1
