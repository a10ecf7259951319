"""`kiosk qr link|poster|tents`: the web-survey link of an office or service, printable posters and table tents."""
from __future__ import annotations

from kiosk.commands._collector_db import add_db_option, open_database
from kiosk.errors import UserError


def register(sub, common) -> None:
    parser = sub.add_parser("qr", parents=[common], help="QR links to the web survey and printable posters")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, helptext in (("link", "print the survey link"),
                           ("poster", "write an A4 poster (vector PDF, or PNG); one page per service with "
                                      "--each-service"),
                           ("tents", "write table tents, four to an A4 sheet with cut and fold lines (PDF)")):
        action = actions.add_parser(name, parents=[common], help=helptext)
        add_db_option(action)
        action.add_argument("--office", required=True, help="office id")
        which = action.add_mutually_exclusive_group()
        which.add_argument("--service", help="service id (default: the citizen picks the service)")
        if name != "link":
            which.add_argument("--each-service", action="store_true",
                               help="one poster or tent per service of the office, each with its own link")
        action.add_argument("--base-url", required=True,
                            help="the collector's public address, e.g. https://skm.example.go.id")
        if name == "link":
            action.add_argument("--short", action="store_true",
                                help="print the short address to type instead (e.g. skm.example.go.id/s/K7QM-3XPA)")
        else:
            action.add_argument("--out", required=True,
                                help="the file: .pdf" + (" or .png (one poster)" if name == "poster" else ""))
        if name != "link":
            action.add_argument("--counter", metavar="NAME", help='a counter printed large, e.g. "Loket 3"')
        action.set_defaults(run=run)


def run(args) -> int:
    from collector import posters, records
    from kiosk import qr

    if not args.base_url.startswith(("https://", "http://")):
        raise UserError(f"--base-url must start with https:// (or http:// for a test), got {args.base_url!r}.")
    engine = open_database(args)
    office = records.get_office(engine, args.office)
    if office is None:
        raise UserError(f"there is no office {args.office!r}; add it with `kiosk admin office-add`.")
    if args.service and args.service not in office.service_ids():
        raise UserError(f"office {office.id!r} has no service {args.service!r}; "
                        f"its services are {', '.join(sorted(office.service_ids())) or 'none'}.")
    if getattr(args, "each_service", False):
        if not office.services:
            raise UserError(f"office {office.id!r} has no services; add one with `kiosk admin service-add`.")
        chosen = [s.id for s in office.services]
    else:
        chosen = [args.service]
    sheet = posters.printed_links(engine, office, chosen, args.base_url, getattr(args, "counter", None))
    if args.action == "link":
        print(sheet[0].typed if args.short else sheet[0].url)
        return 0
    suffix = args.out.lower().rsplit(".", 1)[-1] if "." in args.out else ""
    if suffix not in (("pdf", "png") if args.action == "poster" else ("pdf",)):
        kinds = ".pdf or .png" if args.action == "poster" else ".pdf"
        raise UserError(f"--out must end in {kinds}, got {args.out!r}.")
    if suffix == "png" and len(sheet) > 1:
        raise UserError("a poster per service needs a .pdf (one page each), not a .png.")
    try:
        if suffix == "png":
            link = sheet[0]
            path = qr.save_poster(qr.poster(link.url, link.office_name, link.service_name, typed=link.typed,
                                               counter=link.counter), args.out)
        else:
            data = posters.posters_pdf(sheet) if args.action == "poster" else posters.tents_pdf(sheet)
            path = _write(args.out, data)
    except OSError as exc:
        raise UserError(f"cannot write {args.out}: {exc.strerror}.") from None
    for link in sheet:
        print(f"wrote {path} for {link.url} (typed: {link.typed})")
    return 0


def _write(out: str, data: bytes):
    from pathlib import Path

    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
