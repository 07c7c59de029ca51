"""The dashboard's percentiles without PostgreSQL (SQLite, local development) match
percentile_cont's interpolation, which the PostgreSQL path uses."""

from apps.real_estates.dashboard import _percentiles


def test_median_and_90th_percentile_interpolate_like_percentile_cont() -> None:
    assert _percentiles([float(h) for h in range(1, 11)]) == [5.5, 9.1]


def test_one_value_is_both_percentiles_and_none_gives_none() -> None:
    assert _percentiles([42.0]) == [42.0, 42.0]
    assert _percentiles([]) == [None, None]
