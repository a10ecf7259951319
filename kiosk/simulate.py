"""Synthetic but valid respondents with a realistic spread, for demos, burn-in and benchmarks."""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from kiosk.config import Config
from kiosk.questionnaire import PROFILE_FIELDS
from kiosk.response import Response, new_response

_COMMENTS = (
    "Pelayanan cepat, terima kasih.",
    "Antrean terlalu lama, mohon ditambah loket.",
    "Petugas ramah dan membantu.",
    "Ruang tunggu panas, mohon perbaiki AC.",
    "Persyaratan kurang jelas di papan informasi.",
)


def synthetic_responses(config: Config, count: int, seed: int | None = None,
                        now: datetime | None = None) -> list[Response]:
    """`count` complete responses over the last 30 days of office hours, flagged `simulated`."""
    rng = random.Random(seed)
    now = now or datetime.now(config.tz)
    services = [config.kiosk.service] if config.kiosk.service else [s.id for s in config.services]
    codes = [u.code for u in config.questionnaire.scored_items]
    out = []
    for _ in range(count):
        # A respondent's overall mood, then each unsur around it: answers correlate like real ones.
        mood = rng.choices((1, 2, 3, 4), weights=(3, 12, 55, 30))[0]
        answers = {c: min(4, max(1, mood + rng.choices((-1, 0, 1), weights=(15, 65, 20))[0])) for c in codes}
        day = now - timedelta(days=rng.randrange(30))
        submitted = day.replace(hour=rng.randrange(8, 15), minute=rng.randrange(60), second=rng.randrange(60),
                                microsecond=0)
        if submitted > now:
            submitted -= timedelta(days=1)
        started = submitted - timedelta(seconds=rng.randrange(18, 90))
        profile = {f.key: rng.choice(f.keys()) for f in PROFILE_FIELDS if rng.random() < 0.8}
        comment = rng.choice(_COMMENTS) if rng.random() < 0.15 else None
        out.append(new_response(
            office_id=config.office.id, service_id=rng.choice(services), answers=answers,
            started_at=started, submitted_at=submitted, questionnaire=config.questionnaire,
            locale=rng.choices(config.kiosk.locales, weights=[9] + [1] * (len(config.kiosk.locales) - 1))[0],
            profile=profile, comment=comment, flags=("simulated",),
            make_id=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        ))
    return out
