"""PNG charts of the reports with Chinese titles and labels (docs/reports.md).

They need a font with CJK glyphs: Noto Sans CJK (Debian `fonts-noto-cjk`, which `make setup`
installs when `fc-list :lang=zh` finds none). Without one a chart would render boxes for every
character, so rendering refuses with MissingFontError instead.
"""

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from offchain.core.units import MICRO_PER_TONNE
from offchain.errors import CarbonError
from offchain.reports.enterprise import EnterpriseReport
from offchain.reports.stats import Stats

SIZE = (1000, 600)  # pixels
DPI = 100
# Families that carry the CJK Unified Ideographs, most preferred first.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
)
COLOURS = ("#1f4e79", "#e07b39", "#6a9f58", "#b04a5a", "#8c6bb1", "#c9a227")
STATUS_COLOURS = {"on track": "#6a9f58", "warning": "#e0a939", "exceeded": "#b04a5a"}


class MissingFontError(CarbonError):
    """No installed font renders Chinese text."""


@cache
def cjk_family() -> str:
    """The first installed family of CJK_FAMILIES."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not _installed(manager):
        # matplotlib caches its font list: fonts installed after the cache was built (by
        # `make setup`) are found only by scanning the system's fonts again.
        for path in font_manager.findSystemFonts():
            if any(mark in Path(path).name.lower() for mark in ("cjk", "wqy", "uming")):
                manager.addfont(path)
    found = _installed(manager)
    if not found:
        raise MissingFontError(
            "no font with Chinese glyphs is installed; install Debian's fonts-noto-cjk "
            "(`make setup` does when `fc-list :lang=zh` finds none)"
        )
    return found[0]


def _installed(manager: Any) -> list[str]:
    names = {font.name for font in manager.ttflist}
    return [family for family in CJK_FAMILIES if family in names]


def _figure(title: str) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")  # no display: render to a file
    from matplotlib.figure import Figure

    family = cjk_family()
    figure = Figure(figsize=(SIZE[0] / DPI, SIZE[1] / DPI), dpi=DPI)
    figure.suptitle(title, fontfamily=family, fontsize=15)
    axes = figure.add_subplot()
    return figure, axes


def _cjk(axes: Any) -> None:
    """Sets the CJK family on every text of `axes` (ticks, labels, legend)."""
    family = cjk_family()
    for text in [
        axes.title,
        axes.xaxis.label,
        axes.yaxis.label,
        *axes.get_xticklabels(),
        *axes.get_yticklabels(),
        *axes.texts,
    ]:
        text.set_fontfamily(family)
    legend = axes.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_fontfamily(family)


def _save(figure: Any, axes: Any, path: Path) -> Path:
    _cjk(axes)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI)
    return path


def _t(micro: int) -> float:
    """Tonnes for plotting only: the figures themselves are exact in the report."""
    return micro / MICRO_PER_TONNE


def monthly_trend(report: EnterpriseReport, path: Path) -> Path:
    """Bars of the year's emissions by month (tCO2e)."""
    figure, axes = _figure(f"{report.name} {report.year}年 月度碳排放趋势")
    months = [m for m in report.by_month if m != "unknown"]
    values = [_t(report.by_month[m].micro) for m in months]
    axes.bar([f"{int(m)}月" for m in months], values, color=COLOURS[0], label="月度排放量")
    unknown = report.by_month.get("unknown")
    if unknown is not None:
        axes.bar(["月份未知(加密)"], [_t(unknown.micro)], color="#999999", label="无法解密的记录")
    axes.set_xlabel("月份")
    axes.set_ylabel("排放量 (tCO2e)")
    axes.legend()
    return _save(figure, axes, path)


def scope_split(report: EnterpriseReport, path: Path) -> Path:
    """A pie of scope 1, scope 2 (location-based) and what could not be attributed."""
    figure, axes = _figure(f"{report.name} {report.year}年 范围一/范围二排放构成")
    parts = [
        ("范围一 直接排放", report.scope1.micro),
        ("范围二 外购电力热力(基于位置)", report.scope2_location.micro),
        ("未归属(加密记录)", report.unattributed.micro),
    ]
    shown = [(label, micro) for label, micro in parts if micro > 0]
    _wedges, texts, autotexts = axes.pie(
        [_t(m) for _, m in shown],
        labels=[label for label, _ in shown],
        autopct="%1.1f%%",
        colors=COLOURS[: len(shown)],
        startangle=90,
    )
    for text in (*texts, *autotexts):
        text.set_fontfamily(cjk_family())
    axes.axis("equal")
    return _save(figure, axes, path)


def target_progress(report: EnterpriseReport, path: Path) -> Path:
    """A horizontal bar of emissions against the target, coloured by status."""
    target = report.target
    if "target_tco2e" not in target:
        raise CarbonError(
            f"{report.credit_code} {report.year}: no target document given, so no progress chart"
        )
    figure, axes = _figure(f"{report.name} {report.year}年 目标完成进度")
    goal, actual = float(Decimal(target["target_tco2e"])), _t(report.total.micro)
    colour = STATUS_COLOURS[target["status"]]
    axes.barh(["目标"], [goal], color="#c9d6e3", label="年度目标")
    axes.barh(["实际"], [actual], color=colour, label=f"实际排放 ({target['percent']}%)")
    axes.axvline(goal * 0.8, color="#6a9f58", linestyle="--", label="80% 正常线")
    axes.axvline(goal, color="#b04a5a", linestyle="--", label="100% 预警线")
    status = {"on track": "正常", "warning": "预警", "exceeded": "超标"}[target["status"]]
    axes.text(actual, 1, f" {target['percent']}% {status}", va="center")
    axes.set_xlabel("排放量 (tCO2e)")
    axes.legend(loc="lower right")
    return _save(figure, axes, path)


def stats_trend(stats: Stats, path: Path) -> Path:
    """Lines of reported and verified emissions, bars of quota issued and surrendered, by year."""
    figure, axes = _figure("全部控排企业 年度排放与配额趋势")
    years = [str(t.year) for t in stats.totals]
    width = 0.35
    positions = range(len(years))
    axes.bar(
        [p - width / 2 for p in positions],
        [_t(t.issued or 0) for t in stats.totals],
        width,
        color="#c9d6e3",
        label="配额发放量",
    )
    axes.bar(
        [p + width / 2 for p in positions],
        [_t(t.surrendered or 0) for t in stats.totals],
        width,
        color="#e0c3a0",
        label="配额清缴量",
    )
    axes.plot(
        list(positions), [_t(t.reported) for t in stats.totals], marker="o", color=COLOURS[0],
        label="报送排放量",
    )  # fmt: skip
    axes.plot(
        list(positions), [_t(t.verified or 0) for t in stats.totals], marker="s",
        color=COLOURS[1], linestyle="--", label="核查排放量",
    )  # fmt: skip
    axes.set_xticks(list(positions), years)
    axes.set_xlabel("年度")
    axes.set_ylabel("tCO2e")
    axes.legend()
    return _save(figure, axes, path)


def enterprise_charts(report: EnterpriseReport, folder: Path) -> list[Path]:
    """The report's charts in `folder`: monthly trend, scope split and, with a target, progress."""
    stem = f"{report.credit_code}_{report.year}"
    made = [
        monthly_trend(report, folder / f"{stem}_monthly.png"),
        scope_split(report, folder / f"{stem}_scopes.png"),
    ]
    if "target_tco2e" in report.target:
        made.append(target_progress(report, folder / f"{stem}_target.png"))
    return made
