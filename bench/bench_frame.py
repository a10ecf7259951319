"""Kiosk UI: where a question screen's frame goes, drawn whole and with each group of widgets taken out.

The tap-to-frame time of bench_ui is mostly the frame: Kivy redraws the whole window when
anything changed, and on a software renderer (Mesa's llvmpipe, offscreen) each shape costs by
its triangles and pixels. This draws the question screen's frame again and again with one
group's instructions taken out of the canvas at a time; the difference to the whole frame is
that group's share. Times are the process's CPU time per frame (the least of --frames), with
llvmpipe drawing on the calling thread (LP_NUM_THREADS=0), so that the figures hold steady on a
machine shared with other work; wall time on an idle machine with llvmpipe's threads is lower.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GROUPS = ("the four faces", "the four answer cards (faces and labels included)", "every label",
          "the office bar", "  its fill", "  the logo or emblem", "  the office name", "  the speaker button",
          "  the progress text", "the progress segments", "the back and skip buttons", "all of the screen")


def _widgets(root):
    yield root
    for child in root.children:
        yield from _widgets(child)


def _drawn(widget):
    """Where a widget's drawing is: its canvas in its parent's."""
    return widget.parent.canvas, widget.canvas


def measure(frames: int, multisamples: int, large: bool, question: int = 1) -> dict[str, float]:
    """ms of CPU per frame of question `question`'s screen: whole, and without each of GROUPS."""
    with tempfile.TemporaryDirectory() as tmp:
        from screens import boot

        boot.prepare(offscreen=True, size=(1280, 800), maxfps=0, kivy_home=Path(tmp) / "kivy",
                     multisamples=multisamples)
        from kivy.core.window import Window
        from kivy.graphics import InstructionGroup, Rectangle
        from kivy.graphics.opengl import glFinish

        from kiosk.config import DEMO_CONFIG, load
        from kiosk.store import Queue
        from screens import driven
        from screens.finger import Finger
        from screens.question import StepDots
        from screens.widgets import Face, FaceButton, KioskButton

        queue = Queue(Path(tmp) / "queue.db")
        app = driven.scripted_app(load(DEMO_CONFIG).with_kiosk(service="kk"), queue, Path(tmp), flags=("simulated",))
        with driven.running(app):
            finger = Finger(app.flow.clock)
            finger.wait_for(lambda: app.manager.current == "welcome")
            welcome = app.manager.get_screen("welcome")
            if large:
                finger.tap(welcome.ids.large_text)
            app.flow.clock.advance(2)
            finger.tap(welcome.ids.start)
            finger.wait_for(lambda: app.manager.current == "question", what="the question screen")
            screen = app.manager.current_screen
            for _ in range(question - 1):  # the first question hides back and skip; later ones show them
                finger.tap(next(w for w in screen.ids.answers.children if getattr(w, "value", None) == 3))
                app.flow.clock.advance(2)
            finger.pump(2)
            shown = list(_widgets(screen))

            def frame_ms() -> float:
                spent = []
                for _ in range(frames):
                    glFinish()
                    started = time.process_time()
                    Window.dispatch("on_draw")
                    Window.dispatch("on_flip")
                    glFinish()
                    spent.append(time.process_time() - started)
                return min(spent) * 1000

            def without(parts) -> float:
                """The frame with each (group, instruction) of `parts` taken out."""
                taken = []
                for group, instruction in parts:
                    taken.append((group, group.indexof(instruction), instruction))
                    group.remove(instruction)
                try:
                    return frame_ms()
                finally:
                    for group, index, instruction in reversed(taken):
                        group.insert(index, instruction)

            def widgets(*chosen):
                return [_drawn(w) for w in chosen]

            bar = screen.ids.bar
            logo, name, speaker, progress = reversed(bar.children)
            groups = (widgets(*(w for w in shown if isinstance(w, Face))),
                      widgets(*(w for w in shown if isinstance(w, FaceButton))),
                      widgets(*(w for w in shown if type(w).__name__ in ("Label", "KeptLabel"))), widgets(bar),
                      # Its scissored clear (a group); a shape taken out would take its texture binding with it.
                      [(bar.canvas.before, i) for i in bar.canvas.before.children
                       if isinstance(i, (Rectangle, InstructionGroup))],
                      widgets(logo), widgets(name),
                      widgets(speaker), widgets(progress),
                      widgets(*(w for w in shown if isinstance(w, StepDots))),
                      widgets(*(w for w in shown if isinstance(w, KioskButton))), widgets(screen))
            figures = {"whole": frame_ms()}
            for name, widgets in zip(GROUPS, groups):
                figures[name] = without(widgets)
        queue.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_frame", description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=31, help="frames drawn per figure, the least kept (default 31)")
    parser.add_argument("--multisamples", type=int, default=2,
                        help="the window's anti-aliasing (default 2, as `kiosk run` draws; 0 for none)")
    parser.add_argument("--large-text", action="store_true", help="with the welcome screen's large text switched on")
    parser.add_argument("--question", type=int, default=1,
                        help="which of the nine questions (default 1, where back and skip are hidden)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    if args.frames < 1:
        parser.error("--frames must be at least 1")
    if not 1 <= args.question <= 9:
        parser.error("--question must be one of the demo's nine, 1 to 9")
    if args.child:
        print(json.dumps(measure(args.frames, args.multisamples, args.large_text, args.question)))
        return 0
    # Kivy owns one window per process, and llvmpipe reads LP_NUM_THREADS when it loads.
    command = [sys.executable, "-m", "bench.bench_frame", "--child", "--frames", str(args.frames),
               "--multisamples", str(args.multisamples), "--question", str(args.question)] + (
                   ["--large-text"] if args.large_text else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "LP_NUM_THREADS": "0"})
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        print(f"bench_frame: the drawing process failed: {lines[-1] if lines else 'no message'}", file=sys.stderr)
        return 1
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    whole = figures.pop("whole")
    print(f"question {args.question}'s screen frame at 1280x800, multisamples {args.multisamples}"
          f"{', large text' if args.large_text else ''}: {whole:.1f} ms of CPU (llvmpipe on one thread, "
          f"least of {args.frames})")
    for name, ms in figures.items():
        print(f"  {name:<56} {whole - ms:5.1f} ms ({(whole - ms) / whole:4.0%})")
    print(f"  {'left with none of the screen (clearing, multisampling)':<56} {figures['all of the screen']:5.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
