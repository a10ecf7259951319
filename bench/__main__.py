"""Run every bench/bench_*.py in turn (`make bench`), or only those named: python -m bench queue ui."""
import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if argv and argv[0] in ("-h", "--help", "--list"):
        print("python -m bench [NAME...]: run every benchmark, or those named (bench_NAME.py); each prints its "
              "figures and goals. `python -m bench.bench_NAME --help` for one's own options.\n")
        for name in names:
            doc = (importlib.import_module(f"bench.{name}").__doc__ or "").strip().splitlines()
            print(f"  {name.removeprefix('bench_'):<16} {doc[0] if doc else ''}")
        return 0
    if argv:
        names = [n for n in names if n.removeprefix("bench_") in argv]
    failed = []
    for name in names:
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main([])
        except Exception as exc:  # one broken benchmark must not hide the others' numbers
            print(f"{name} failed: {exc!r}")
            failed.append(name)
        print(f"({time.perf_counter() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
