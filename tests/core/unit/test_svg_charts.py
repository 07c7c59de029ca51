"""The dashboard's server-drawn charts: every label inside the drawing, every text escaped."""

import re

from apps.core.svg_charts import grouped_columns

WIDTH = 760  # the charts' viewBox


def _axis_labels(svg: str) -> list[tuple[float, str, str]]:
    """(x, text-anchor, text) of each x-axis label (font-size 11, below the plot)."""
    return [
        (float(x), anchor, text)
        for x, anchor, text in re.findall(
            r'<text x="([0-9.]+)" y="198" text-anchor="(\w+)" font-size="11">([^<]*)</text>', svg
        )
    ]


def test_the_last_day_label_ends_inside_the_chart() -> None:
    """Centred on its column, the last of 30 days' labels ran past the right edge ("04/1…")."""
    days = [f"{day:02d}/12" for day in range(1, 31)]
    svg = str(grouped_columns(days, [("submitted", [1] * 30)], title="Activity"))

    labels = _axis_labels(svg)
    assert [text for _, _, text in labels] == ["01/12", "06/12", "11/12", "16/12", "21/12", "26/12", "30/12"]
    x, anchor, _ = labels[-1]
    assert anchor == "end"
    assert x <= WIDTH
    assert all(anchor == "middle" for _, anchor, _ in labels[:-1])


def test_labels_and_series_names_are_escaped() -> None:
    svg = str(grouped_columns(["<b>"], [("<script>", [2])], title="<i>"))

    assert "<b>" not in svg
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_the_axis_writes_its_counts_as_asked() -> None:
    svg = str(grouped_columns(["01/12"], [("submitted", [1200])], title="Activity", number="{:,}".format))

    assert ">1,200</text>" in svg
    assert ">600</text>" in svg
    assert "01/12: 1,200 submitted" in svg
