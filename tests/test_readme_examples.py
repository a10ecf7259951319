"""The README's own examples work as written: its QR poster block, run line by line from a clone's folder."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[list[str]]:
    return [[line for line in block.splitlines() if line.strip()]
            for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S)]


def test_the_qr_poster_example_makes_a_poster(tmp_path):
    block = next(b for b in shell_blocks() if any(line.startswith("kiosk qr poster") for line in b))
    # The block reads kiosk/demo_office.toml from the clone: give the temporary folder the same file.
    (tmp_path / "kiosk").mkdir()
    shutil.copy2(REPO / "kiosk" / "demo_office.toml", tmp_path / "kiosk" / "demo_office.toml")
    for line in block:
        words = shlex.split(line.split(" #")[0])
        assert words[0] == "kiosk", line
        done = subprocess.run([sys.executable, "-m", "kiosk", *words[1:]], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
    poster = tmp_path / "poster.pdf"
    assert poster.read_bytes().startswith(b"%PDF")
