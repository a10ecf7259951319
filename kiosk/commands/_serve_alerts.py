"""`kiosk serve` flags for alerts and fleet health; each sets its KIOSK_* variable so --workers processes see it."""
from __future__ import annotations

import os
from pathlib import Path

from kiosk.errors import UserError

# flag destination -> environment variable the collector reads (collector/delivery.py, alert_worker.py, fleet.py)
FLAGS = {
    "smtp_host": "KIOSK_SMTP_HOST", "smtp_port": "KIOSK_SMTP_PORT", "smtp_user": "KIOSK_SMTP_USER",
    "smtp_from": "KIOSK_SMTP_FROM", "public_url": "KIOSK_PUBLIC_URL", "alert_interval": "KIOSK_ALERT_INTERVAL_S",
    "alert_retry": "KIOSK_ALERT_RETRY_S", "silent_after_min": "KIOSK_SILENT_AFTER_MIN",
}


def add_arguments(parser) -> None:
    group = parser.add_argument_group("alerts and fleet health (collector/README.md)")
    group.add_argument("--smtp-host", help="SMTP server for email alerts (also KIOSK_SMTP_HOST)")
    group.add_argument("--smtp-port", type=int, help="its port (default 25; KIOSK_SMTP_PORT)")
    group.add_argument("--smtp-user", help="SMTP login; the password only from KIOSK_SMTP_PASSWORD")
    group.add_argument("--smtp-from", help="sender address of alert emails (KIOSK_SMTP_FROM)")
    group.add_argument("--smtp-starttls", action="store_true", help="STARTTLS before login (KIOSK_SMTP_STARTTLS=1)")
    group.add_argument("--webhook-secret-file", metavar="FILE",
                       help="file holding the shared secret that signs webhook alerts (or KIOSK_WEBHOOK_SECRET)")
    group.add_argument("--public-url", help="the collector's address as admins and citizens reach it: links in "
                                            "alerts, the QR code on Mode TV (KIOSK_PUBLIC_URL)")
    group.add_argument("--alert-interval", type=float, metavar="S",
                       help="seconds between evaluations of every rule (default 60; KIOSK_ALERT_INTERVAL_S)")
    group.add_argument("--alert-retry", type=float, metavar="S",
                       help="first retry of a failed delivery after S seconds, doubling (default 30)")
    group.add_argument("--silent-after-min", type=float, metavar="M",
                       help="minutes without a word before a kiosk is silent (default 480; KIOSK_SILENT_AFTER_MIN)")
    group.add_argument("--no-alerts", action="store_true", help="neither evaluate nor send alerts in this "
                                                                "process (KIOSK_ALERTS=off)")


def apply(args) -> None:
    """Put the given flags into the environment, where every worker process's app reads them."""
    for dest, variable in FLAGS.items():
        value = getattr(args, dest, None)
        if value is not None:
            os.environ[variable] = str(value)
    if args.smtp_starttls:
        os.environ["KIOSK_SMTP_STARTTLS"] = "1"
    if args.no_alerts:
        os.environ["KIOSK_ALERTS"] = "off"
    if args.webhook_secret_file:
        try:
            secret = Path(args.webhook_secret_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read --webhook-secret-file {args.webhook_secret_file}: "
                            f"{getattr(exc, 'strerror', None) or exc}.") from None
        if len(secret) < 16:
            raise UserError("the webhook secret must have at least 16 characters.")
        os.environ["KIOSK_WEBHOOK_SECRET"] = secret
