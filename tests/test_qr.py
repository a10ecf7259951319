"""Signed survey links, and QR codes and posters that a phone camera really decodes back to the link."""
import pytest
import zxingcpp
from PIL import Image

from kiosk.qr import poster, qr_image, save_poster, sign, verify

SECRET = b"k" * 32


def test_link_round_trips_and_names_office_and_service():
    link = sign(SECRET, "dukcapil-butur", "ktp-el")
    assert link.token.startswith("dukcapil-butur.ktp-el.")
    assert verify(SECRET, link.token) == link
    office_wide = sign(SECRET, "dukcapil-butur")
    assert verify(SECRET, office_wide.token).service_id is None


@pytest.mark.parametrize("tamper", [
    lambda t: t.replace("ktp-el", "kk"),           # another service, same MAC
    lambda t: t.replace("dukcapil-butur", "x"),    # another office
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
    lambda t: t + ".x", lambda t: "", lambda t: "../../etc.passwd.x",
])
def test_tampered_or_foreign_links_are_refused(tamper):
    token = sign(SECRET, "dukcapil-butur", "ktp-el").token
    assert verify(SECRET, tamper(token)) is None


def test_another_secret_refuses_the_link():
    assert verify(b"other" * 8, sign(SECRET, "dukcapil-butur").token) is None


def test_bad_ids_are_refused():
    with pytest.raises(ValueError):
        sign(SECRET, "Dukcapil Butur")


def test_qr_code_decodes_to_the_url():
    url = sign(SECRET, "dukcapil-butur", "kk").url("https://skm.example.go.id/")
    assert "//s/" not in url
    assert [r.text for r in zxingcpp.read_barcodes(qr_image(url))] == [url]


def test_poster_png_and_pdf(tmp_path):
    url = sign(SECRET, "dukcapil-butur", "kk").url("https://skm.example.go.id")
    image = poster(url, "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Buton Utara", "Kartu Keluarga")
    png = save_poster(image, tmp_path / "poster.png")
    with Image.open(png) as printed:
        assert printed.size == (1240, 1754)
        assert [r.text for r in zxingcpp.read_barcodes(printed)] == [url]
    pdf = save_poster(image, tmp_path / "poster.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError):
        save_poster(image, tmp_path / "poster.jpg")
