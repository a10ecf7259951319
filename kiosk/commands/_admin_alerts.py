"""`kiosk admin alert-add | alert-list | alert-remove | alerts | alert-ack`: alert rules and their alerts."""
from __future__ import annotations

import json

from kiosk.commands._collector_db import open_database


def register(action) -> None:
    """Adds the alert actions through admin's `action(name, help, run)` helper."""
    p = action("alert-add", "add an alert rule for an office; prints it as JSON", run_alert_add)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--kind", required=True, choices=("unhappy", "ikm-below", "kiosk-health"),
                   help="unhappy: share of unhappy respondents in a window; ikm-below: the IKM of a window under "
                        "a threshold; kiosk-health: a kiosk of the office stops being ok")
    p.add_argument("--service", help="only this service's responses (unhappy, ikm-below)")
    p.add_argument("--share", type=float, help="unhappy: share that alerts, 0..1 (default 0.5)")
    p.add_argument("--window-min", type=int, metavar="M",
                   help="minutes looked back (default: 15 for unhappy, 1440 for ikm-below)")
    p.add_argument("--min-count", type=int, metavar="N",
                   help="respondents needed in the window before it can alert (default: 4 unhappy, 10 ikm-below)")
    p.add_argument("--threshold", type=float, metavar="X", help="ikm-below: converted IKM (25-100) under which "
                                                                "it alerts (default 76.61, the edge of mutu B)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--webhook", metavar="URL", help="POST a signed JSON alert here")
    target.add_argument("--email", metavar="ADDR", help="send the alert to this address (kiosk serve --smtp-host)")

    p = action("alert-list", "list the alert rules in force (JSON)", run_alert_list)
    p.add_argument("--office", help="only this office's")

    p = action("alert-remove", "remove an alert rule; its open alerts close", run_alert_remove)
    p.add_argument("rule_id", help="the rule id, as alert-add or alert-list printed it")

    p = action("alerts", "list alerts, latest first (JSON): counts and links only", run_alerts)
    p.add_argument("--office", help="only this office's")
    p.add_argument("--open", action="store_true", help="only those still open")

    p = action("alert-ack", "acknowledge an alert with a note (it closes itself when its condition clears)",
               run_alert_ack)
    p.add_argument("alert_id", help="the alert id, as `kiosk admin alerts` printed it")
    p.add_argument("--note", required=True, help="what is being done about it")
    p.add_argument("--by", default="admin-cli", help="who acknowledges (default: admin-cli)")


def _print(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def run_alert_add(args) -> int:
    from collector import alerts, records

    engine = open_database(args)
    try:
        rule = alerts.add_rule(engine, args.office, args.kind, service_id=args.service, share=args.share,
                               window_min=args.window_min, min_count=args.min_count, threshold=args.threshold,
                               webhook_url=args.webhook, email=args.email, now=records.utc_now())
    finally:
        engine.dispose()
    _print(rule.to_json())
    return 0


def run_alert_list(args) -> int:
    from collector import alerts

    engine = open_database(args)
    try:
        _print([rule.to_json() for rule in alerts.list_rules(engine, args.office)])
    finally:
        engine.dispose()
    return 0


def run_alert_remove(args) -> int:
    from collector import alerts, records

    engine = open_database(args)
    try:
        rule = alerts.remove_rule(engine, args.rule_id, now=records.utc_now())
    finally:
        engine.dispose()
    print(f"alert rule {rule.id} ({rule.kind}, office {rule.office_id}): removed")
    return 0


def run_alerts(args) -> int:
    from collector import alerts

    engine = open_database(args)
    try:
        _print([a.to_json() for a in alerts.list_alerts(engine, office_id=args.office, open_only=args.open)])
    finally:
        engine.dispose()
    return 0


def run_alert_ack(args) -> int:
    from collector import alerts, records

    engine = open_database(args)
    try:
        alert = alerts.acknowledge(engine, args.alert_id, by=args.by, note=args.note, now=records.utc_now())
    finally:
        engine.dispose()
    _print(alert.to_json())
    return 0
