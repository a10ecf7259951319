"""The collector's HTTP API (v1 of DESIGN.md) as an ASGI app: create_app(db_url) puts its routers together."""

import datetime as dt
import logging
from typing import Callable

from fastapi import FastAPI

from collector import alert_worker, api_enrolment, api_health, api_ingest, api_reports, dashboard, db, \
    followup_pages, health_pages, heartbeat, login, login_routes, migrations, problems, public_pages, records, \
    region_pages, websurvey
from collector.accesslog import AccessLog
from collector.auth import admin_auth, kiosk_auth
from collector.headers import SecurityHeaders, mount_static


def create_app(db_url: str, *, clock: Callable[[], dt.datetime] = records.utc_now, migrate: bool = True) -> FastAPI:
    """The collector for one database; its schema is brought up to date first (numbered migrations)."""
    engine = db.make_engine(db_url)
    if migrate:
        migrations.migrate(engine)

    app = FastAPI(title="SKM kiosk collector", version="1",
                  description="Central endpoint of the Survei Kepuasan Masyarakat kiosks (PermenPAN-RB 14/2017).")
    app.state.engine = engine
    app.add_middleware(AccessLog)
    app.add_middleware(SecurityHeaders)
    mount_static(app)
    problems.install(app)

    logins = app.state.logins = login.Logins(engine, clock)
    kiosk, admin = kiosk_auth(engine), admin_auth(engine, logins)
    app.include_router(api_health.router(engine))
    app.include_router(api_ingest.router(engine, clock, kiosk))
    app.include_router(api_enrolment.router(engine, clock, kiosk))
    app.include_router(api_reports.router(engine, admin))
    app.include_router(heartbeat.router(engine, clock, kiosk))
    alert_worker.install(app, engine, clock)
    app.include_router(dashboard.router(engine, clock, admin))
    from collector import counting_pages

    app.include_router(counting_pages.router(engine, clock, admin))
    app.include_router(health_pages.router(engine, clock, admin))
    app.include_router(region_pages.router(engine, clock, admin))
    app.include_router(websurvey.router(engine, clock))
    app.include_router(login_routes.router(engine, logins, admin))
    app.include_router(followup_pages.router(engine, clock, admin))
    from collector import suggestion_pages

    app.include_router(suggestion_pages.router(engine, clock, admin))
    from collector import poster_pages

    app.include_router(poster_pages.router(engine, clock, admin))
    from collector import survey_plan_pages

    app.include_router(survey_plan_pages.router(engine, clock, admin))
    app.include_router(public_pages.router(engine, clock))
    api_health.describe(app)
    return app


def app_from_environment() -> FastAPI:
    """The app for uvicorn's worker processes (`kiosk serve --workers N`): database from KIOSK_COLLECTOR_DB,
    access logs as JSON lines on stderr."""
    import os
    import sys

    from collector.accesslog import JsonLineFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    return create_app(os.environ["KIOSK_COLLECTOR_DB"])
