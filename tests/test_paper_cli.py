"""`kiosk ikm FILE.csv`: paper questionnaires, exact answers, one clear sentence for bad input."""
import json
import subprocess
import sys

import pytest

ALL = [f"U{i}" for i in range(1, 10)]


def kiosk(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=cwd)


def write(path, header, rows, sep=","):
    path.write_text("\n".join(sep.join(map(str, r)) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def test_one_all_four_questionnaire_gives_100_A(tmp_path):
    f = write(tmp_path / "p.csv", ALL, [[4] * 9])
    out = kiosk("ikm", str(f), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert (doc["respondents"], doc["ikm"], doc["ikm_converted"], doc["mutu"], doc["kinerja"]) == \
        (1, 4.0, 100.0, "A", "Sangat baik")
    assert [u["nrr"] for u in doc["unsur"]] == [4.0] * 9


def test_table_output_skips_and_sample(tmp_path):
    rows = [[4] * 9, [3, "", 3, 3, 3, 3, 3, 3, 3]]
    f = write(tmp_path / "p.csv", ALL + ["service", "gender"], [r + ["ktp-el", "Perempuan"] for r in rows], sep=";")
    out = kiosk("ikm", str(f), "--population", "100")
    assert out.returncode == 0, out.stderr
    # U2 answered once (4), others (4 + 3) / 2: IKM = (4 + 8 * 3.5) / 9 = 32/9 -> 88.89.
    assert "IKM (nilai konversi): 88.89" in out.stdout
    assert "minimal 80 responden" in out.stdout and "BELUM CUKUP" in out.stdout


def test_json_has_profile_and_service_breakdown(tmp_path):
    f = write(tmp_path / "p.csv", ALL + ["service", "gender"], [[4] * 9 + ["kk", "f"], [2] * 9 + ["ktp", "m"]])
    doc = json.loads(kiosk("ikm", str(f), "--json").stdout)
    assert doc["profile"]["gender"] == {"f": 1, "m": 1}
    assert {s["service_id"]: s["ikm_converted"] for s in doc["services"]} == {"kk": 100.0, "ktp": 50.0}
    assert doc["ikm_converted"] == 75.0


@pytest.mark.parametrize("header, row, message", [
    (ALL, [4, 4, 5, 4, 4, 4, 4, 4, 4], "row 2, column U3 holds '5'"),
    (ALL, [4, "x", 4, 4, 4, 4, 4, 4, 4], "row 2, column U2 holds 'x'"),
    (ALL[:-1], [4] * 8, "the header has no column U9"),
    (ALL + ["gender"], [4] * 9 + ["alien"], "row 2, column gender holds 'alien'"),
    (ALL, [""] * 9 + ["3"], "row 2 has 10 cells"),
])
def test_bad_input_is_one_sentence_without_traceback(tmp_path, header, row, message):
    f = write(tmp_path / "bad.csv", header, [row])
    out = kiosk("ikm", str(f))
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1


def test_missing_file_and_empty_file(tmp_path):
    out = kiosk("ikm", str(tmp_path / "none.csv"))
    assert out.returncode == 2 and "does not exist" in out.stderr
    (tmp_path / "empty.csv").write_text("")
    out = kiosk("ikm", str(tmp_path / "empty.csv"))
    assert out.returncode == 2 and "is empty" in out.stderr


def test_a_population_below_the_respondents_is_refused(tmp_path):
    f = write(tmp_path / "p.csv", ALL, [[4] * 9] * 3)
    out = kiosk("ikm", str(f), "--population", "2")
    assert out.returncode != 0 and "population (2) is smaller than the 3 respondents" in out.stderr
    assert "Traceback" not in out.stderr
