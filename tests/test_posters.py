"""`kiosk qr poster|tents` as vector PDF: the codes are shapes (no picture), the words are text in embedded
fonts, the short address under each code opens the same survey, and the printed codes decode."""
import subprocess
import sys

import pytest
import zxingcpp
from PIL import Image

from collector import links, shortlinks

OFFICE, BASE = "dukcapil-butur", "https://skm.example.go.id"


def kiosk(*args):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=120)


def tool(*args) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def assert_vector_with_embedded_fonts(pdf) -> None:
    fonts = tool("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts and all(row.split()[-5] == "yes" for row in fonts), fonts  # the "emb" column
    assert tool("pdfimages", "-list", str(pdf)).splitlines()[2:] == []  # not one raster image


def decoded(pdf, tmp_path, page: int) -> list[str]:
    stem = tmp_path / f"{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-r", "110", "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(stem)], check=True)
    with Image.open(f"{stem}.png") as printed:
        return [r.text for r in zxingcpp.read_barcodes(printed)]


def typed_codes(text: str) -> list[str]:
    return [word.rsplit("/", 1)[1] for word in text.split() if word.startswith("skm.example.go.id/s/")]


def sheet_text(url: str, action: str, pdf, *args: str) -> str:
    """`kiosk qr ACTION ... --out pdf` for the demo office, checked to be vector with embedded fonts; its text."""
    out = kiosk("qr", action, "--db", url, "--office", OFFICE, *args, "--base-url", BASE, "--out", str(pdf))
    assert out.returncode == 0, out.stderr
    assert_vector_with_embedded_fonts(pdf)
    return tool("pdftotext", str(pdf), "-")


def test_counter_poster_is_vector_text_in_both_languages_with_an_address_to_type(office_sqlite, tmp_path):
    url, engine = office_sqlite
    pdf = tmp_path / "loket-3.pdf"
    text = sheet_text(url, "poster", pdf, "--service", "kk", "--counter", "Loket 3")
    for words in ("Survei Kepuasan Masyarakat", "Pindai kode ini dengan ponsel Anda", "How was our service today?",
                  "Loket 3", "Kartu Keluarga", "Ketik alamat ini"):
        assert words in text
    (code,) = typed_codes(text)
    assert len(code) == 9 and code[4] == "-"  # K7QM-3XPA: two groups of four
    assert shortlinks.resolve(engine, code) == (OFFICE, "kk")
    (scanned,) = decoded(pdf, tmp_path, 1)
    assert links.verify_token(engine, scanned.rsplit("/", 1)[1]).service_id == "kk"
    short = kiosk("qr", "link", "--short", "--db", url, "--office", OFFICE, "--service", "kk", "--base-url", BASE)
    assert short.stdout.strip() == f"skm.example.go.id/s/{code}"  # the same code every time it is printed


def test_one_poster_per_service_and_a_sheet_of_table_tents(office_sqlite, tmp_path):
    url, engine = office_sqlite
    services = ["ktp-el", "kk", "akta-lahir", "pindah-datang"]
    posters, tents = tmp_path / "loket.pdf", tmp_path / "tents.pdf"
    for action, out in (("poster", posters), ("tents", tents)):
        sheet_text(url, action, out, "--each-service")
    assert "Pages:           4" in tool("pdfinfo", str(posters))
    per_page = [typed_codes(tool("pdftotext", "-f", str(n), "-l", str(n), str(posters), "-")) for n in range(1, 5)]
    assert [shortlinks.resolve(engine, code)[1] for (code,) in per_page] == services
    assert "Pages:           1" in tool("pdfinfo", str(tents))  # four tents on one A4 sheet
    text = tool("pdftotext", str(tents), "-")
    assert "lipat / fold" in text and "potong / cut" in text
    # Each tent's two faces (one printed upside down, to stand after the fold) carry its service's code and QR.
    assert sorted(typed_codes(text)) == sorted(c for (c,) in per_page for _ in range(2))
    scanned = decoded(tents, tmp_path, 1)
    assert len(scanned) == 8
    assert sorted(links.verify_token(engine, s.rsplit("/", 1)[1]).service_id for s in set(scanned)) == sorted(services)


def test_counter_tents_print_the_counter_on_every_face(office_sqlite, tmp_path):
    url, engine = office_sqlite
    text = sheet_text(url, "tents", tmp_path / "tents-loket-3.pdf", "--service", "kk", "--counter", "Loket 3")
    assert text.count("Loket 3") == 8  # one link fills the sheet: four tents, two faces each
    assert {shortlinks.resolve(engine, code) for code in typed_codes(text)} == {(OFFICE, "kk")}
    assert "Loket" not in sheet_text(url, "tents", tmp_path / "tents.pdf", "--service", "kk")


@pytest.mark.parametrize("args, message", [
    (["poster", "--each-service", "--out", "x.png"], "a poster per service needs a .pdf"),
    (["tents", "--out", "x.png"], "--out must end in .pdf"),
    (["poster", "--out", "x.jpg"], "--out must end in .pdf or .png"),
])
def test_sheet_mistakes_are_one_sentence(office_sqlite, tmp_path, args, message):
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    out = kiosk("qr", *args, "--db", office_sqlite[0], "--office", OFFICE, "--base-url", BASE)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
    assert not any(tmp_path.glob("x.*"))


def test_the_dashboard_hands_out_the_same_posters_and_tents(tmp_path, monkeypatch):
    import base64

    from collector import records
    from fixtures_collector import CollectorApp

    app = CollectorApp(f"sqlite:///{tmp_path / 'collector.db'}")
    try:
        records.add_admin(app.engine, "pengelola", "kata-sandi-rahasia", office_ids=(OFFICE,))
        login = {"Authorization": "Basic " + base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()}
        office_page = app.client.get(f"/admin/offices/{OFFICE}", headers=login).text
        assert f'href="/admin/offices/{OFFICE}/posters.pdf"' in office_page and 'id="tents-link"' in office_page
        # The counter's form sends ?counter= to either sheet, as `kiosk qr poster|tents --counter` takes it.
        assert f'action="/admin/offices/{OFFICE}/posters.pdf" id="counter-form"' in office_page
        assert f'formaction="/admin/offices/{OFFICE}/tents.pdf"' in office_page and 'name="counter"' in office_page
        assert app.client.get(f"/admin/offices/{OFFICE}/posters.pdf").status_code == 401
        assert app.client.get(f"/admin/offices/{OFFICE}/posters.pdf?service=paspor", headers=login).status_code == 404
        monkeypatch.setenv("KIOSK_PUBLIC_URL", BASE)
        for kind, pages in (("posters", "4"), ("tents", "1")):
            answer = app.client.get(f"/admin/offices/{OFFICE}/{kind}.pdf", headers=login)
            assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
            pdf = tmp_path / f"{kind}.pdf"
            pdf.write_bytes(answer.content)
            assert f"Pages:           {pages}" in tool("pdfinfo", str(pdf))
            assert_vector_with_embedded_fonts(pdf)
            codes = set(typed_codes(tool("pdftotext", str(pdf), "-")))
            assert {shortlinks.resolve(app.engine, c)[1] for c in codes} == {"ktp-el", "kk", "akta-lahir",
                                                                              "pindah-datang"}
        one = app.client.get(f"/admin/offices/{OFFICE}/posters.pdf?service=kk", headers=login)
        (tmp_path / "kk.pdf").write_bytes(one.content)
        assert "Pages:           1" in tool("pdfinfo", str(tmp_path / "kk.pdf"))
        for kind, faces in (("posters", 1), ("tents", 8)):  # ?counter= as `kiosk qr ... --counter`
            counter = app.client.get(f"/admin/offices/{OFFICE}/{kind}.pdf?service=kk&counter=Loket+5", headers=login)
            (tmp_path / f"{kind}-5.pdf").write_bytes(counter.content)
            assert tool("pdftotext", str(tmp_path / f"{kind}-5.pdf"), "-").count("Loket 5") == faces
    finally:
        app.close()
