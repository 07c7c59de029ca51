"""Prepares a benchmark run against the seeded database (run by bench/run.py).

Creates the accounts the load uses (their password hashed once with the configured
hasher, so sign-in pays the real Argon2 cost), mints their access tokens, and writes
one request file per scenario for bench/wrk/replay.lua: `METHOD<TAB>PATH[<TAB>BODY]`.
Prints a JSON summary on stdout. A scenario whose code is not there yet (no
RealEstate model, say) is listed under "unavailable" with the reason.
"""

import json
import random
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from faker import Faker  # noqa: E402

from apps.users.models import Role, User  # noqa: E402
from apps.users.tokens import issue_token_pair  # noqa: E402

BENCH_PASSWORD = "bench-password-not-secret-2026"
SIGN_IN_ACCOUNTS = 16
# Distinct users per role whose tokens the load rotates through: per-user throttles stay
# at their production rates (1200/min) and no user nears them below ~1,200 req/s.
USERS_PER_ROLE = 64
PAGES = 10
DETAIL_IDS = 2000
CREATE_BODIES = 500


def bench_users() -> dict[str, list[User]]:
    digest = make_password(BENCH_PASSWORD)
    existing = set(User.objects.values_list("cpf", flat=True))
    fake = Faker("pt_BR")
    fake.seed_instance(2026)

    def new_cpf() -> str:
        while True:
            cpf = "".join(ch for ch in fake.cpf() if ch.isdigit())
            if cpf not in existing and len(set(cpf)) > 1:
                existing.add(cpf)
                return cpf

    def make(name: str, role: str) -> User:
        return User(cpf=new_cpf(), name=name, role=role, password=digest)

    managers = [make(f"Bench Manager {i:02d}", Role.MANAGER) for i in range(USERS_PER_ROLE)]
    collectors = [make(f"Bench Collector {i:02d}", Role.COLLECTOR) for i in range(USERS_PER_ROLE)]
    signers = [make(f"Bench Signer {i:02d}", Role.COLLECTOR) for i in range(SIGN_IN_ACCOUNTS)]
    User.objects.bulk_create([*managers, *collectors, *signers])
    return {"manager": managers, "collector": collectors, "signers": signers}


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return str(path)


def main(out_dir: Path) -> dict[str, Any]:
    users = bench_users()
    tokens = {
        role: write_lines(
            out_dir / f"tokens-{role}.txt", [issue_token_pair(user=u).token for u in users[role]]
        )
        for role in ("manager", "collector")
    }
    files: dict[str, str] = {}
    unavailable: dict[str, str] = {}

    files["floor"] = write_lines(out_dir / "floor.txt", ["GET\t/health/live"])
    files["sign-in"] = write_lines(
        out_dir / "sign-in.txt",
        [
            "POST\t/api/v1/sign-in\t" + json.dumps({"cpf": u.cpf, "password": BENCH_PASSWORD})
            for u in users["signers"]
        ],
    )
    try:
        from apps.real_estates.models import RealEstate
    except ImportError as exc:
        reason = f"no RealEstate model yet ({exc})"
        for name in ("list", "filtered-list", "search", "detail", "create"):
            unavailable[name] = reason
        return {"tokens": tokens, "files": files, "unavailable": unavailable}

    rng = random.Random(7)
    files["list"] = write_lines(
        out_dir / "list.txt",
        [f"GET\t/api/v1/real-estates?page_size=50&page={p}" for p in range(1, PAGES + 1)],
    )
    # Filters on the busiest city/state pairs of the seeded data, so each page is full.
    from django.db.models import Count

    busiest = list(RealEstate.objects.values("city", "state").annotate(n=Count("id")).order_by("-n")[:5])
    filtered: list[str] = []
    for row in busiest:
        for kind, purpose, low, high in (
            ("apartment", "sale", 200_000, 2_000_000),
            ("house", "sale", 150_000, 3_000_000),
            ("apartment", "rent", 800, 10_000),
        ):
            params = {
                "status": "approved",
                "state": row["state"],
                "city": row["city"],
                "kind": kind,
                "purpose": purpose,
                "min_price": low,
                "max_price": high,
                "ordering": "-price",
                "page_size": 50,
            }
            filtered.append(f"GET\t/api/v1/real-estates?{urlencode(params)}")
    files["filtered-list"] = write_lines(out_dir / "filtered-list.txt", filtered)
    terms = [
        "sao paulo",
        "itaim",
        "apartamento",
        "varanda gourmet",
        "piscina",
        "centro",
        "jardim",
        "copacabana",
    ]
    files["search"] = write_lines(
        out_dir / "search.txt",
        [f"GET\t/api/v1/real-estates?{urlencode({'q': t, 'page_size': 50})}" for t in terms],
    )
    ids = list(RealEstate.objects.values_list("id", flat=True).order_by("?")[:DETAIL_IDS])
    if ids:
        files["detail"] = write_lines(
            out_dir / "detail.txt", [f"GET\t/api/v1/real-estates/{pk}" for pk in ids]
        )
    else:
        unavailable["detail"] = "no real estates in the database (seed_demo did not run)"
    try:
        from apps.real_estates.seeding import api_payloads
    except ImportError as exc:
        unavailable["create"] = f"no create payload generator ({exc})"
    else:
        files["create"] = write_lines(
            out_dir / "create.txt",
            [
                "POST\t/api/v1/real-estates\t" + json.dumps(body)
                for body in api_payloads(CREATE_BODIES, seed=rng.randrange(2**31))
            ],
        )
    return {"tokens": tokens, "files": files, "unavailable": unavailable}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
