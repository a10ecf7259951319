"""The progress bar of `kiosk sync`: redrawn in place on a terminal, a line per tenth elsewhere."""
from __future__ import annotations

import io

from kiosk.commands.sync import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place():
    out = Terminal()
    bar = Progress(1200, stream=out, width=10)
    for done in (500, 1000, 1200):
        bar.update(done)
    bar.finish()
    frames = out.getvalue().split("\r")[1:]
    assert frames[0] == "[####......] 500/1200  42%"
    assert frames[-1] == "[##########] 1200/1200 100%\n"


def test_in_a_log_it_prints_a_line_per_tenth():
    out = io.StringIO()
    bar = Progress(1000, stream=out)
    for done in range(50, 1001, 50):
        bar.update(done)
    bar.finish()
    lines = out.getvalue().splitlines()
    assert lines[0] == "50/1000 sent (5%)" and lines[-1] == "1000/1000 sent (100%)"
    assert len(lines) == 11


def test_a_disabled_bar_prints_nothing():
    out = Terminal()
    bar = Progress(10, enabled=False, stream=out)
    bar.update(5)
    bar.finish()
    assert out.getvalue() == ""
