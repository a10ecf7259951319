"""`kiosk ikm FILE.csv [--population N] [--json]`: the IKM of paper questionnaires."""
from __future__ import annotations

import json
import sys

from kiosk import ikm
from kiosk.errors import UserError
from kiosk.paper import PaperError, read_csv


def register(sub, common) -> None:
    parser = sub.add_parser(
        "ikm", parents=[common], help="the IKM of paper questionnaires in a CSV file",
        description="Columns U1..U9 hold answers 1..4 (blank = skipped); optional columns: service, "
                    "gender, age_group, education, occupation, disability.")
    parser.add_argument("file", help="CSV file, comma or semicolon separated, UTF-8")
    parser.add_argument("--population", type=_population, help="service recipients in the period (for the sample check)")
    parser.add_argument("--json", action="store_true", help="print the report JSON instead of a table")
    parser.set_defaults(run=run)


def _population(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"population must be a whole number of at least 1, got {text!r}")
    return int(text)


def run(args) -> int:
    try:
        rows, ignored = read_csv(args.file)
    except PaperError as exc:
        raise UserError(str(exc)) from None
    result = ikm.compute(r.answers for r in rows)
    try:
        report = ikm.to_json(result, scope={"file": args.file, "service_id": None},
                             population=args.population, profiles=(r.profile for r in rows))
    except ikm.SampleError as exc:
        raise UserError(f"{exc}.") from None
    if any(r.service for r in rows):
        report["services"] = ikm.by_service(((r.service, r.answers) for r in rows), population=args.population)
    if ignored:
        print(f"kiosk ikm: ignored columns: {', '.join(ignored)}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_table(report))
    return 0


def format_table(report: dict) -> str:
    lines = [f"{'unsur':<5} {'nama':<42} {'n':>5} {'jumlah':>7} {'NRR':>7} {'NRR x b':>8} {'konversi':>9} mutu"]
    for u in report["unsur"]:
        nrr = "-" if u["nrr"] is None else f"{u['nrr']:.4f}"
        weighted = "-" if u["nrr_weighted"] is None else f"{u['nrr_weighted']:.3f}"
        converted = "-" if u["converted"] is None else f"{u['converted']:.2f}"
        lines.append(f"{u['code']:<5} {u['name'][:42]:<42} {u['answered']:>5} {u['sum']:>7} {nrr:>7} "
                     f"{weighted:>8} {converted:>9} {u['mutu'] or '-'}")
    lines.append("")
    lines.append(f"Responden: {report['respondents']}")
    if report["ikm"] is not None:
        lines.append(f"IKM (nilai indeks): {report['ikm']:.4f}")
        lines.append(f"IKM (nilai konversi): {report['ikm_converted']:.2f}")
        lines.append(f"Mutu pelayanan: {report['mutu']} ({report['kinerja']})")
    sample = report["sample"]
    if sample["population"] is not None:
        verdict = "cukup" if sample["sufficient"] else "BELUM CUKUP"
        lines.append(f"Sampel: populasi {sample['population']}, minimal {sample['required']} responden "
                     f"(Krejcie-Morgan), terkumpul {report['respondents']}: {verdict}")
    for service in report.get("services", []):
        lines.append(f"  layanan {service['service_id'] or '(tanpa layanan)'}: {service['respondents']} responden, "
                     f"IKM {service['ikm_converted']:.2f} ({service['mutu']})")
    return "\n".join(lines)
