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
    image = poster(url, "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Buton Utara", "Kartu Keluarga",
                   typed="skm.example.go.id/s/K7QM-3XPA", counter="Loket 2")
    png = save_poster(image, tmp_path / "poster.png")
    with Image.open(png) as printed:
        assert printed.size == (1240, 1754)
        assert [r.text for r in zxingcpp.read_barcodes(printed)] == [url]
    pdf = save_poster(image, tmp_path / "poster.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError):
        save_poster(image, tmp_path / "poster.jpg")


def _kiosk(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True)


def test_qr_commands_print_a_link_and_write_a_poster_the_collector_accepts(tmp_path, office_sqlite):
    from collector import links

    url, engine = office_sqlite
    out = _kiosk("qr", "link", "--db", url, "--office", "dukcapil-butur", "--service", "kk",
                 "--base-url", "https://skm.example.go.id")
    assert out.returncode == 0, out.stderr
    link = out.stdout.strip()
    assert links.verify_token(engine, link.rsplit("/", 1)[1]).service_id == "kk"
    out = _kiosk("qr", "poster", "--db", url, "--office", "dukcapil-butur", "--base-url", "https://skm.example.go.id",
                 "--out", str(tmp_path / "poster.png"))
    assert out.returncode == 0, out.stderr
    with Image.open(tmp_path / "poster.png") as printed:
        (decoded,) = [r.text for r in zxingcpp.read_barcodes(printed)]
    assert links.verify_token(engine, decoded.rsplit("/", 1)[1]).office_id == "dukcapil-butur"


@pytest.mark.parametrize("args, message", [
    (["--office", "nope"], "there is no office 'nope'"),
    (["--office", "dukcapil-butur", "--service", "paspor"], "has no service 'paspor'"),
    (["--office", "dukcapil-butur", "--base-url", "skm.example.go.id"], "--base-url must start with https://"),
])
def test_qr_mistakes_are_one_sentence(office_sqlite, args, message):
    base = ["--base-url", "https://skm.example.go.id"] if "--base-url" not in args else []
    out = _kiosk("qr", "link", "--db", office_sqlite[0], *args, *base)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
