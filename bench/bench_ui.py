"""Kiosk UI: tap-to-next-frame latency, cold start to the first interactive frame, RSS growth over many surveys.

Each part runs in its own process (Kivy owns one window per process). Baselines:
- a tap: the time from the finger lifting to the end of the next frame that shows the new
  screen, against one frame at 60 Hz (16.7 ms). Goal: p99 within 2 frames.
- cold start: a new process until the welcome screen's first frame is on screen. Goal: under 1.5 s.
- memory: peak RSS after N autoplayed surveys against the RSS after 10 (growth shows a leak).
  Goal: growth under 5 MB for N = 1000 (the default N is smaller to keep the run short).
With no display this runs on SDL's offscreen driver and Mesa's software OpenGL (llvmpipe),
so frame times here are an upper bound for a tablet with a GPU: every label whose text
changes is uploaded as a texture, and llvmpipe makes each upload wait for the previous
frame to be rasterised on the CPU (measured: ~0.07 ms to render a label's text, ~5-25 ms
per upload here). The first RSS samples include warm-up (fonts, textures, caches), so the
per-survey growth after warm-up is printed as well.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FRAME_60HZ_S = 1 / 60


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


# -- the parts, each in a child process ---------------------------------------------------

def _app(size: tuple[int, int], data_dir: Path, multisamples: int = 2):
    from screens import boot

    boot.prepare(offscreen=True, size=size, maxfps=0, kivy_home=data_dir / "kivy", multisamples=multisamples)
    from kiosk.config import DEMO_CONFIG, load
    from kiosk.store import Queue
    from screens import driven

    queue = Queue(data_dir / "queue.db")
    return driven.scripted_app(load(DEMO_CONFIG), queue, data_dir, flags=("simulated",)), queue


def part_taps(taps: int, size: tuple[int, int], multisamples: int) -> dict:
    """Latency of `taps` taps, each from touch-up to the end of the next frame that shows its effect."""
    with tempfile.TemporaryDirectory() as tmp:
        app, queue = _app(size, Path(tmp), multisamples)
        from kivy.core.window import Window
        from kivy.tests.common import UnitTestTouch

        from screens import driven
        from screens.autoplay import Player
        from screens.finger import Finger

        samples: list[float] = []
        on_question: list[bool] = []  # the tap answered a question and the next one appeared

        class TimedFinger(Finger):
            def touch(self, widget, *, think_s=None, hold_s=0.0, frames=2):
                if self.clock is not None:
                    self.clock.advance(self.think_s if think_s is None else think_s)
                x, y = widget.to_window(*widget.center)
                before = app.manager.current
                finger = UnitTestTouch(x, y)
                finger.touch_down()
                self.pump(1)
                flips: list[float] = []
                mark = lambda *_: flips.append(time.perf_counter())  # noqa: E731
                Window.bind(on_flip=mark)
                lifted = time.perf_counter()
                finger.touch_up()
                self.pump(1)
                Window.unbind(on_flip=mark)
                if flips and len(samples) < taps:
                    samples.append(flips[0] - lifted)
                    on_question.append(before == "question" == app.manager.current)
                self.taps += 1
                self.pump(max(0, frames - 1))

        with driven.running(app):
            player = Player(app, TimedFinger(app.flow.clock), random.Random(1))
            while len(samples) < taps:
                before = len(samples)
                player.survey()
                if len(samples) == before:
                    raise RuntimeError("no frame was drawn after the taps of a whole survey")
        queue.close()
    questions = [t for t, q in zip(samples, on_question) if q]
    return {"taps": len(samples), "median_s": statistics.median(samples), "p99_s": percentile(samples, 99),
            "max_s": max(samples), "question_taps": len(questions),
            "question_median_s": statistics.median(questions), "question_p99_s": percentile(questions, 99)}


def part_ready(size: tuple[int, int], started: float) -> dict:
    """Print the time since `started` (the parent's clock at spawn) once the first frame is on screen."""
    with tempfile.TemporaryDirectory() as tmp:
        app, queue = _app(size, Path(tmp))
        from kivy.base import EventLoop
        from kivy.core.window import Window

        from screens import driven

        flipped: list[float] = []
        Window.bind(on_flip=lambda *_: flipped.append(time.time()))
        with driven.running(app):
            while not flipped:
                EventLoop.idle()
            ready = flipped[0] - started
        queue.close()
    return {"ready_s": ready}


def part_memory(surveys: int, size: tuple[int, int]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app, queue = _app(size, Path(tmp))
        from screens import driven
        from screens.autoplay import Player
        from screens.finger import Finger

        checkpoints: dict[int, float] = {}
        step = max(10, (surveys - 10) // 5)
        with driven.running(app):
            player = Player(app, Finger(app.flow.clock), random.Random(2))
            player.play(10)
            checkpoints[10], _ = rss_mb()
            started = time.perf_counter()
            done = 10
            while done < surveys:
                batch = min(step, surveys - done)
                player.play(batch)
                done += batch
                checkpoints[done], peak = rss_mb()
            took = time.perf_counter() - started
        counts = queue.count_by_status()
        queue.close()
    return {"surveys": surveys, "rss_10_mb": checkpoints[10], "rss_n_mb": checkpoints[surveys], "peak_mb": peak,
            "checkpoints": checkpoints, "stored": counts["pending"], "s_per_survey": took / max(1, surveys - 10)}


def _child(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.bench_ui", "--child", *args],
                          capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "child failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_ui", description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=200, help="taps to time (default 200)")
    parser.add_argument("--surveys", type=int, default=150,
                        help="surveys for the memory check (default 150; the goal is stated for 1000)")
    parser.add_argument("--starts", type=int, default=3, help="cold starts to time (default 3)")
    parser.add_argument("--memory-size", default="640x400",
                        help="window for the memory run (default 640x400: software GL is slow at full size)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])

    if args.child:
        part, *rest = args.child
        size = tuple(int(x) for x in rest[1].split("x")) if len(rest) > 1 else (1280, 800)
        result = {"taps": lambda: part_taps(int(rest[0]), size, int(rest[2]) if len(rest) > 2 else 2),
                  "ready": lambda: part_ready(size, float(rest[0])),
                  "memory": lambda: part_memory(int(rest[0]), size)}[part]()
        print(json.dumps(result))
        return 0

    if args.surveys < 11:
        parser.error("--surveys must be more than 10 (the baseline is the RSS after 10)")
    frame_ms = FRAME_60HZ_S * 1000

    for multisamples, what in ((2, "as `kiosk run` draws (anti-aliasing 2)"),
                               (0, "without anti-aliasing (KIOSK_MULTISAMPLES=0)")):
        taps = _child(["taps", str(args.taps), "1280x800", str(multisamples)])
        print(f"tap to next frame, {taps['taps']} taps at 1280x800, {what}: median "
              f"{taps['median_s'] * 1000:.1f} ms ({taps['median_s'] / FRAME_60HZ_S:.2f} frames at 60 Hz), "
              f"p99 {taps['p99_s'] * 1000:.1f} ms ({taps['p99_s'] / FRAME_60HZ_S:.2f} frames), "
              f"max {taps['max_s'] * 1000:.1f} ms; one frame is {frame_ms:.1f} ms; goal p99 <= 2 frames")
        print(f"  of which {taps['question_taps']} taps from one question to the next: median "
              f"{taps['question_median_s'] * 1000:.1f} ms ({taps['question_median_s'] / FRAME_60HZ_S:.2f} frames), "
              f"p99 {taps['question_p99_s'] * 1000:.1f} ms ({taps['question_p99_s'] / FRAME_60HZ_S:.2f} frames)")

    readies = [_child(["ready", repr(time.time()), "1280x800"])["ready_s"] for _ in range(args.starts)]
    print(f"cold start to first frame, {args.starts} starts: first {readies[0]:.2f} s, "
          f"median {statistics.median(readies):.2f} s; goal < 1.5 s "
          f"(ratio {statistics.median(readies) / 1.5:.2f} of the goal)")

    memory = _child(["memory", str(args.surveys), args.memory_size])
    growth = memory["rss_n_mb"] - memory["rss_10_mb"]
    print(f"RSS after 10 surveys {memory['rss_10_mb']:.1f} MB, after {memory['surveys']} "
          f"{memory['rss_n_mb']:.1f} MB (peak {memory['peak_mb']:.1f} MB): growth {growth:+.1f} MB, "
          f"{growth * 1024 / (memory['surveys'] - 10):+.1f} KB per survey; goal < 5 MB over 1000 surveys; "
          f"{memory['stored']} responses stored, {memory['s_per_survey']:.2f} s per autoplayed survey")
    marks = {int(k): v for k, v in memory["checkpoints"].items()}
    print("RSS along the run: " + ", ".join(f"{n}: {mb:.1f} MB" for n, mb in sorted(marks.items())))
    later = sorted(marks)[1:]
    if len(later) >= 2:
        first, last = later[0], later[-1]
        slope = (marks[last] - marks[first]) * 1024 / (last - first)
        print(f"after warm-up ({first} surveys) the RSS grows {slope:+.1f} KB per survey: "
              f"{slope * 1000 / 1024:+.1f} MB per 1000 surveys (goal < 5 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
