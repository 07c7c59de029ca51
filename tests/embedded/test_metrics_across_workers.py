"""`/metrics` on `make run`'s server, which serves with several worker processes. The image sets
`PROMETHEUS_MULTIPROC_DIR` so that a scrape sums every worker (docs/operations.md "Metrics");
`make run` (and `python -m config.server` run as it runs it) leaves it unset, so each scrape is
the numbers of whichever worker accepted its connection: a counter read twice goes down and up
(a reset to Prometheus each time), and none of them counts the server's requests."""

from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.embedded.embedded_app import App, embedded_app

REQUESTS = 40
SCRAPES = 10
SERIES = "django_http_responses_total_by_status_view_method_total"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with embedded_app(tmp_path_factory) as running:
        yield running


def _live_probes_counted(app: App) -> float:
    scraped = app.request("GET", "/metrics")
    assert scraped.status_code == 200, scraped.text
    return sum(
        sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
        if sample.name == SERIES and sample.labels.get("view") == "health-live"
    )


def test_a_scrape_counts_the_requests_every_worker_answered(app: App) -> None:
    for _ in range(REQUESTS):  # each on a connection of its own: both workers answer some
        assert app.request("GET", "/health/live").status_code == 200

    counted = [_live_probes_counted(app) for _ in range(SCRAPES)]

    assert min(counted) >= REQUESTS, counted
