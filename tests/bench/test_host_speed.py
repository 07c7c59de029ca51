"""The benchmark's host speed probe (bench/run.py): a scenario measured on a slowed host says so."""

from tests.bench import load_bench_module

run = load_bench_module("run")


def test_the_probe_measures_cpu_time_in_milliseconds() -> None:
    speed = run.host_speed_ms()
    assert 0 < speed < 1000


def test_a_scenario_counts_as_slowed_from_1_15_times_the_floors_probe() -> None:
    floor = {"before": 10.0, "after": 10.4}
    assert run.host_slowed({"before": 10.2, "after": 11.4}, floor) is None  # 1.14
    assert run.host_slowed({"before": 10.0, "after": 11.5}, floor) == 1.15
    assert run.host_slowed({"before": 13.0, "after": 10.0}, floor) == 1.3  # the slower probe counts
    assert run.host_slowed({"before": 13.0, "after": 13.0}, None) is None  # no floor: no verdict


def test_the_report_names_the_slowed_scenarios_and_only_them() -> None:
    scenarios = {
        "floor": {"host_speed_ms": {"before": 10.0, "after": 10.0}},
        "list": {"host_speed_ms": {"before": 10.5, "after": 10.9}},
        "filter-status": {"host_speed_ms": {"before": 13.0, "after": 12.0}},
        "sign-in": {},  # a run before the probe existed
    }
    note = run.host_speed_note(scenarios)
    assert "10 to 13 ms" in note
    assert "slowed around filter-status (x1.3)" in note
    assert "list (" not in note
    assert run.host_speed_note({"floor": {}}) == "Host speed probe: not taken."
    calm = {"floor": scenarios["floor"], "list": scenarios["list"]}
    assert "no scenario slowed" in run.host_speed_note(calm)
