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
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from faker import Faker  # noqa: E402

from apps.users.models import Role, User  # noqa: E402
from apps.users.tokens import issue_token_pair  # noqa: E402 - after django.setup()

BENCH_PASSWORD = "bench-password-not-secret-2026"
SIGN_IN_ACCOUNTS = 16
# Distinct users per role whose tokens the load rotates through: per-user throttles stay
# at their production rates (1200/min) and no user nears them below ~1,200 req/s.
USERS_PER_ROLE = 64
PAGES = 10
DETAIL_IDS = 2000
CREATE_BODIES = 500
EXPORT_ROWS = 100_000


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


LIST = "/api/v1/real-estates?"
SEARCH_TERMS = (
    "sao paulo",
    "itaim",
    "apartamento",
    "varanda gourmet",
    "piscina",
    "centro",
    "jardim",
    "copacabana",
)
PRICE_RANGES = (
    (200_000, 500_000),
    (500_000, 1_000_000),
    (1_000_000, 3_000_000),
    (100_000, 250_000),
    (1_500, 4_000),
    (4_000, 12_000),
    (300_000, 400_000),
    (2_000_000, 10_000_000),
)
AREA_RANGES = ((30, 60), (60, 90), (90, 150), (150, 300), (45, 70), (200, 500), (300, 1000), (25, 40))
STATS_QUERIES = (
    {"group_by": "city"},
    {"group_by": "state"},
    {"group_by": "kind"},
    {"group_by": "status"},
    {"group_by": "city", "status": "approved"},
    {"group_by": "kind", "state": "SP", "purpose": "sale"},
    {"group_by": "status", "city": "São Paulo"},
    {"group_by": "state", "kind": "apartment", "min_price": 300_000},
)
NEAR_CENTRES = ((-23.55, -46.63), (-22.91, -43.17), (-19.92, -43.94), (-25.43, -49.27))
LIST_SCENARIOS = (
    "list",
    "list-collector",
    "filter-status",
    "filter-status-city-price",
    "filter-city-kind",
    "filter-price-range",
    "filter-area-range",
    "filter-status-area-bedrooms",
    "filter-review-queue",
    "filter-kind-two-keys",
    "filter-q",
    "filter-q-status",
    "near",
)


def field_collectors() -> list[User]:
    """The seeded collectors with the most real estates: whose list and sync are measured."""
    from django.db.models import Count

    return list(
        User.objects.filter(role=Role.COLLECTOR)
        .annotate(n=Count("collected_real_estates"))
        .filter(n__gt=0)
        .order_by("-n")[:USERS_PER_ROLE]
    )


def list_requests() -> dict[str, list[str]]:
    """One list of paths per list scenario, each path checked against the API's own filters
    and page size (an invalid one would measure a 400), so a typo fails here, not in the run."""
    from django.db.models import Count

    from apps.real_estates.models import RealEstate

    busiest = list(RealEstate.objects.values("city", "state").annotate(n=Count("id")).order_by("-n")[:5])
    combos = (
        ("apartment", "sale", 200_000, 2_000_000),
        ("house", "sale", 150_000, 3_000_000),
        ("apartment", "rent", 800, 10_000),
    )
    q: dict[str, list[dict[str, Any]]] = {
        "list": [{"page_size": 50, "page": p} for p in range(1, PAGES + 1)],
        "list-collector": [
            {"page_size": 50},
            {"page_size": 50, "ordering": "-created_at"},
            {"page_size": 50, "status": "draft"},
        ],
        "filter-status": [{"status": "approved", "page_size": 50, "page": p} for p in range(1, 6)],
        "filter-status-city-price": [
            {"status": "approved", "state": row["state"], "city": row["city"], "kind": kind,
             "purpose": purpose, "min_price": low, "max_price": high, "ordering": "-price", "page_size": 50}
            for row in busiest
            for kind, purpose, low, high in combos
        ],
        "filter-city-kind": [
            {"city": row["city"], "kind": kind, "purpose": purpose, "ordering": "price", "page_size": 50}
            for row in busiest
            for kind, purpose, _, _ in combos
        ],
        "filter-price-range": [
            {"min_price": low, "max_price": high, "ordering": "-price", "page_size": 50}
            for low, high in PRICE_RANGES
        ],
        "filter-area-range": [
            {"min_area": low, "max_area": high, "ordering": "area_m2", "page_size": 50}
            for low, high in AREA_RANGES
        ],
        "filter-status-area-bedrooms": [
            {"status": "approved", "state": row["state"], "min_area": low, "max_area": high,
             "min_bedrooms": 2, "ordering": "-area_m2", "page_size": 50}
            for row in busiest[:4]
            for low, high in AREA_RANGES[:4]
        ],
        "filter-review-queue": [
            {"status": "submitted", "ordering": "created_at", "page_size": 50, "page": p} for p in range(1, 6)
        ],
        "filter-kind-two-keys": [
            {"kind": kind, "purpose": purpose, "ordering": "-price,created_at", "page_size": 50}
            for kind in ("apartment", "house", "land", "commercial")
            for purpose in ("sale", "rent")
        ],
        "filter-q": [{"q": term, "page_size": 50} for term in SEARCH_TERMS],
        "filter-q-status": [
            {"q": term, "status": "approved", "ordering": "-created_at", "page_size": 50}
            for term in SEARCH_TERMS
        ],
        # Not in the FilterSet until the `near` filter lands: run.py then skips it.
        "near": [
            {"near": f"{lat},{lng}", "radius_km": 5, "page_size": 50} for lat, lng in NEAR_CENTRES
        ],
    }  # fmt: skip
    for name, queries in q.items():
        for params in queries:
            check_list_query(name, params)
    return {name: [LIST + urlencode(params) for params in queries] for name, queries in q.items()}


def check_list_query(name: str, params: dict[str, Any]) -> None:
    from django.http import QueryDict

    from apps.real_estates.api.filters import RealEstateFilterSet
    from apps.real_estates.models import RealEstate

    data = QueryDict(urlencode(params))
    filterset = RealEstateFilterSet(data=data, queryset=RealEstate.objects.none())
    if not filterset.is_valid():
        raise SystemExit(f"bench/prepare.py: {name} sends an invalid query {params}: {filterset.errors}")
    if not 1 <= int(params.get("page_size", 20)) <= 100 or int(params.get("page", 1)) < 1:
        raise SystemExit(f"bench/prepare.py: {name} sends an invalid page {params}")


def export_request() -> dict[str, Any]:
    """The export of the oldest 100k real estates (all of them below that): `created_before`
    the 100,001st oldest's creation, so rows created during the run are not in it."""
    from django.db.models import Max

    from apps.real_estates.models import RealEstate

    ordered = RealEstate.objects.order_by("created_at").values_list("created_at", flat=True)
    cut = ordered[EXPORT_ROWS : EXPORT_ROWS + 1].first()
    if cut is None:
        latest = RealEstate.objects.aggregate(m=Max("created_at"))["m"]
        if latest is None:
            return {"path": None, "rows": 0}
        cut = latest + timedelta(seconds=1)
    params = {"created_before": cut.astimezone(UTC).isoformat()}
    check_list_query("export", params)
    return {
        "path": "/api/v1/real-estates/export?" + urlencode(params),
        "rows": RealEstate.objects.filter(created_at__lt=cut).count(),
    }


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
        for name in (*LIST_SCENARIOS, "detail", "stats", "sync", "create", "export"):
            unavailable[name] = reason
        return {"tokens": tokens, "files": files, "unavailable": unavailable}

    tokens["field"] = write_lines(
        out_dir / "tokens-field.txt", [issue_token_pair(user=u).token for u in field_collectors()]
    )
    rng = random.Random(7)
    requests = list_requests()
    for name, paths in requests.items():
        files[name] = write_lines(out_dir / f"{name}.txt", [f"GET\t{path}" for path in paths])
    files["stats"] = write_lines(
        out_dir / "stats.txt",
        [f"GET\t/api/v1/real-estates/stats?{urlencode(params)}" for params in STATS_QUERIES],
    )
    files["sync"] = write_lines(out_dir / "sync.txt", ["GET\t/api/v1/sync/real-estates?limit=500"])
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
    export = export_request()
    if export["path"] is None:
        unavailable["export"] = "no real estates in the database (seed_demo did not run)"
    return {"tokens": tokens, "files": files, "unavailable": unavailable, "export": export}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
