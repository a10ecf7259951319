"""What a report says about its counting rule (kiosk.counting), in Bahasa Indonesia, for every document.

The PDF's BAB II, the workbook's summary and the CSV all state which responses were set aside and why,
and which rule applied; every number is the report JSON's.
"""
from __future__ import annotations

from typing import Any, Mapping

# Why a complete response was left out of the IKM (keys of the report JSON's `excluded`).
EXCLUDED = {
    "voided": "dibatalkan oleh admin (tercatat di log audit)",
    "simulated": "data simulasi (uji coba perangkat, bukan responden)",
    "fast": "diisi lebih cepat daripada waktu membaca pertanyaan (dicurigai)",
    "suspect-rate": "ditahan: terlalu banyak kiriman dari satu sumber dalam waktu singkat",
}
# Flags of counted responses worth disclosing (keys of `flagged`).
FLAGGED = {
    "clock": "jam perangkat tidak wajar; periode ditentukan dari waktu respons diterima server",
    "fast": "diisi sangat cepat, dihitung sesuai pilihan kantor",
    "rate-accepted": "sempat ditahan, lalu diterima admin",
}
# Service figures below their own minimum sample (report JSON `services[].caveat`).
CAVEAT = "indikatif: {answers} jawaban, kurang dari sampel minimum {required}"


def excluded_label(reason: str) -> str:
    return EXCLUDED.get(reason, f"ditahan sebagai mencurigakan ({reason})")


def flagged_label(flag: str) -> str:
    return FLAGGED.get(flag, flag)


def rule_sentence(report: Mapping[str, Any]) -> str:
    """The counting rule that applied, as one sentence."""
    rule = report.get("counting_rule") or {}
    fast = ("Respons yang diisi sangat cepat ikut dihitung atas pilihan kantor."
            if rule.get("fast_counted") else "Respons yang diisi terlalu cepat tidak dihitung.")
    return ("Yang dihitung dalam IKM hanya kuesioner yang diisi sampai selesai, bukan data simulasi, tidak "
            "dibatalkan admin, dan tidak ditahan sebagai mencurigakan. " + fast)


def excluded_rows(report: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """(key, label, count) of every reason in `excluded`, the always-reported ones even at 0."""
    return [(key, excluded_label(key), count) for key, count in (report.get("excluded") or {}).items()]


def flagged_rows(report: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    return [(key, flagged_label(key), count) for key, count in (report.get("flagged") or {}).items()
            if key in FLAGGED and count]


def service_caveat(service: Mapping[str, Any]) -> str | None:
    check = service.get("sample") or {}
    if not service.get("caveat"):
        return None
    return CAVEAT.format(answers=check.get("smallest_answered"), required=check.get("required"))


def status_label(reason: str) -> str:
    """The Data sheet's status of one complete response: counted, or why not."""
    return "dihitung" if not reason else "tidak dihitung: " + reason


ACTIONS = {"void": "dibatalkan", "restore": "dipulihkan", "paper-import": "impor kuesioner kertas",
           "suggestion-approve": "saran disetujui untuk dipublikasikan", "suggestion-hide": "saran disembunyikan",
           "suggestion-show": "saran dikembalikan ke belum ditinjau"}


def audit_summary(entries) -> list[tuple[str, str, str, int, str]]:
    """(date, who, action, responses, why) per day, actor, action and reason, oldest first: the lampiran's table."""
    grouped: dict[tuple[str, str, str, str], int] = {}
    for e in entries:
        count = e["detail"].get("accepted", 0) if e["action"] == "paper-import" else 1
        key = (e["at"][:10], e["actor"], ACTIONS.get(e["action"], e["action"]), e["reason"])
        grouped[key] = grouped.get(key, 0) + count
    return [(day, actor, action, n, reason) for (day, actor, action, reason), n in grouped.items()]
