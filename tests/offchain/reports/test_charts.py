"""The charts render Chinese text with a CJK font (no glyph missing) at the intended size."""

import warnings

import pytest
import report_samples as rs
from PIL import Image

from offchain.reports import charts


def render(make, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = make(tmp_path / "chart.png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    return path, missing


@pytest.mark.parametrize(
    "make",
    [
        lambda path: charts.monthly_trend(rs.report(), path),
        lambda path: charts.scope_split(rs.report(), path),
        lambda path: charts.target_progress(rs.report(goal=rs.target("900")), path),
        lambda path: charts.stats_trend(rs.stats(), path),
    ],
    ids=["monthly", "scopes", "target", "stats"],
)
def test_a_chart_renders_every_chinese_glyph_at_the_intended_size(make, tmp_path):
    path, missing = render(make, tmp_path)
    assert missing == []
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", charts.SIZE)


def test_the_font_is_a_cjk_family():
    assert charts.cjk_family() in charts.CJK_FAMILIES


def test_a_report_without_a_target_has_no_progress_chart(tmp_path):
    made = charts.enterprise_charts(rs.report(), tmp_path)
    assert [p.name.rsplit("_", 1)[1] for p in made] == ["monthly.png", "scopes.png"]
