"""`kiosk qr link|poster`: the signed web-survey link of an office or service, and a printable poster."""
from __future__ import annotations

from kiosk.commands._collector_db import add_db_option, open_database
from kiosk.errors import UserError


def register(sub, common) -> None:
    parser = sub.add_parser("qr", parents=[common], help="QR links to the web survey and printable posters")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, helptext in (("link", "print the survey link"), ("poster", "write an A4 poster (PNG or PDF)")):
        action = actions.add_parser(name, parents=[common], help=helptext)
        add_db_option(action)
        action.add_argument("--office", required=True, help="office id")
        action.add_argument("--service", help="service id (default: the citizen picks the service)")
        action.add_argument("--base-url", required=True,
                            help="the collector's public address, e.g. https://skm.example.go.id")
        if name == "poster":
            action.add_argument("--out", required=True, help="poster file, .png or .pdf")
        action.set_defaults(run=run)


def run(args) -> int:
    from collector import links, records
    from kiosk import qr

    if not args.base_url.startswith(("https://", "http://")):
        raise UserError(f"--base-url must start with https:// (or http:// for a test), got {args.base_url!r}.")
    engine = open_database(args)
    office = records.get_office(engine, args.office)
    if office is None:
        raise UserError(f"there is no office {args.office!r}; add it with `kiosk admin office-add`.")
    service = None
    if args.service:
        service = next((s for s in office.services if s.id == args.service), None)
        if service is None:
            raise UserError(f"office {office.id!r} has no service {args.service!r}; "
                            f"its services are {', '.join(sorted(office.service_ids())) or 'none'}.")
    url = links.make_link(engine, office.id, args.service).url(args.base_url)
    if args.action == "link":
        print(url)
        return 0
    try:
        path = qr.save_poster(qr.poster(url, office.name, service.name("id") if service else None), args.out)
    except ValueError as exc:
        raise UserError(f"{exc}.") from None
    except OSError as exc:
        raise UserError(f"cannot write {args.out}: {exc.strerror}.") from None
    print(f"wrote {path} for {url}")
    return 0
