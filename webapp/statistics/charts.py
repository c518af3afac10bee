"""The plots' geometry, computed here and drawn by `templates/stats/_chart_*.html` as SVG
that passes the CSP: positions as SVG attributes, colours and fonts from CSS classes in
`static/stats.css`, no script and no style attribute. Labels come already written in the
user's language (`formatting`)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from ..formatting import date_text, decimal, hhmm, percent
from .counting import Counts
from .tables import PERIOD_WORDS, cell_text, period_cell

WIDTH, HEIGHT = 380, 230
LEFT, RIGHT, TOP, BOTTOM = 54, 8, 14, 34  # room for "2 000" beside the axis label


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the bar's day and figures, for its <title>


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class BarChart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    capacity_path: str = ""
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM
    title: str = ""  # "Appointments and capacity per day" (or week, month)
    x_label: str = ""  # "Day" (or Week, Month)
    figures: str = ""  # "Figures by day" (or week, month): the table under the plot


def nice_max(value: int) -> int:
    """A round upper bound for an axis: 1, 2, 5 or 10 times a power of ten, at least 5."""
    if value <= 5:
        return 5
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def bars_and_capacity(by_day: list[tuple[date, Counts]], bar_label: str,
                      capacity_label: str, grouping: str = "day") -> BarChart:
    """Kept appointments per day, week or month (`grouping`, see `Report.by_period`) as
    bars, the capacity published as a step line."""
    _table, x_label, title, figures = PERIOD_WORDS[grouping]
    chart = BarChart(title=str(title), x_label=str(x_label), figures=str(figures))
    if not by_day:
        return chart
    top = nice_max(max(max(c.kept, c.capacity) for _d, c in by_day))
    plot_w, plot_h = chart.plot_right - LEFT, chart.plot_bottom - TOP
    band = plot_w / len(by_day)

    def y(value: int) -> float:
        return round(chart.plot_bottom - value / top * plot_h, 1)

    path = []
    for i, (day, counts) in enumerate(by_day):
        x0 = LEFT + i * band
        height = round(counts.kept / top * plot_h, 1)
        name = (date_text(day, "short") if grouping == "day"
                else cell_text(period_cell(day, grouping)))
        label = (f"{name}: {bar_label} {decimal(counts.kept)}, "
                 f"{capacity_label} {decimal(counts.capacity)}")
        chart.bars.append(Bar(round(x0 + band * .15, 1), y(counts.kept),
                              round(max(band * .7, .5), 1), height, label))
        path.append(f"{'M' if i == 0 else 'L'}{round(x0, 1)},{y(counts.capacity)}"
                    f"H{round(x0 + band, 1)}")
    chart.capacity_path = "".join(path)
    chart.y_ticks = [Tick(y(top * k // 4), decimal(top * k // 4)) for k in range(5)]
    step = max(1, math.ceil(len(by_day) / 5))
    form = "month_short" if grouping == "month" else "day_month"
    chart.x_ticks = [Tick(round(LEFT + (i + .5) * band, 1), date_text(day, form))
                     for i, (day, _c) in enumerate(by_day) if i % step == 0]
    return chart


@dataclass
class Segment:
    x: float
    width: float
    part: int  # colour class
    label: str
    count: str
    share: str
    wide: bool  # room for its share inside


def split(parts: list[tuple[str, int]], width: int = 480) -> list[Segment]:
    """One bar cut in parts proportional to their counts (`width`: the viewBox of
    `split_chart` in templates/stats/_macros.html)."""
    whole = sum(n for _label, n in parts)
    segments, x = [], 0.0
    for i, (label, n) in enumerate(parts):
        if not whole or not n:
            continue
        w = n / whole * width
        segments.append(Segment(round(x, 1), round(w, 1), i, label, decimal(n),
                                percent(n / whole), w >= 44))
        x += w
    return segments


@dataclass
class Cell:
    x: float
    y: float
    level: int  # 0 (none) to 4 (busiest)
    label: str


@dataclass
class HeatMap:
    cells: list[Cell]
    rows: list[Tick]
    columns: list[Tick]
    width: int
    height: int
    size: int


def heat_map(heat: list[list[int]], hours: list[int], monday: Optional[date] = None) -> HeatMap:
    """Weekdays down, hours across; darker where more appointments start."""
    monday = monday or date(2024, 1, 1)  # any Monday: only the day names are read
    size, left, top = 24, 44, 20
    busiest = max((max(row[h] for h in hours) for row in heat), default=0)
    cells, rows = [], []
    for d in range(7):
        name = date_text(monday + timedelta(days=d), "weekday")
        rows.append(Tick(top + d * size + size / 2, name))
        for i, h in enumerate(hours):
            n = heat[d][h]
            level = 0 if not n or not busiest else 1 + min(3, int(n / busiest * 4 - 1e-9))
            cells.append(Cell(left + i * size, top + d * size, level,
                              f"{name} {hhmm(h * 60)}: {decimal(n)}"))
    columns = [Tick(left + i * size + size / 2, str(h)) for i, h in enumerate(hours)
               if i % 2 == 0]
    return HeatMap(cells, rows, columns, left + len(hours) * size + 4, top + 7 * size + 4, size)
