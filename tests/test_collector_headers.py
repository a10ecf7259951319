"""Security headers on the real `kiosk serve`: CSP without inline script, no framing, nosniff, Referrer-Policy, HSTS."""
import re

import requests

from collector import links

EXPECTED = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def test_every_page_carries_the_headers_and_hsts_only_behind_tls(collector_server):
    plain = collector_server()
    office = plain.add_demo_office()
    survey = links.make_link(plain.engine, office).url(plain.url)
    for url in (survey, plain.url + "/api/v1/health", plain.url + "/admin", plain.url + "/static/survey.css",
                plain.url + "/s/forged"):
        answer = requests.get(url, allow_redirects=False)
        for name, value in EXPECTED.items():
            assert answer.headers.get(name) == value, (url, name)
        csp = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert "script-src" not in csp and "unsafe-inline" not in csp
        assert "Strict-Transport-Security" not in answer.headers
    page = requests.get(survey).text
    # Nothing inline that the CSP would block: no script, no style element or attribute.
    assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", page)
    assert requests.get(plain.url + "/static/survey.css").headers["Content-Type"].startswith("text/css")

    tls = collector_server(extra_args=("--behind-tls",))
    tls.add_demo_office()
    answer = requests.get(links.make_link(tls.engine, office).url(tls.url))
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "secure" in answer.headers["Set-Cookie"].lower()
