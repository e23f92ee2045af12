"""Plots of the regional analysis (matplotlib, no screen), returned as PNG bytes.

Dutch labels and decimal commas; a value without data is left out, never drawn as zero.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from clm.rules.config import Kpi  # noqa: E402
from clm.rules.quarters import Quarter  # noqa: E402

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.formatter.use_locale": False,
    }
)
_COMMA = FuncFormatter(lambda x, _pos: f"{x:g}".replace(".", ","))


def _png(fig: plt.Figure, tight: bool = True) -> bytes:
    out = io.BytesIO()
    # a tight bounding box draws the figure twice; the per-provider plot sets its margins
    fig.savefig(out, format="png", dpi=100, bbox_inches="tight" if tight else None)
    plt.close(fig)
    return out.getvalue()


def kpi_trends(trend: pd.DataFrame, kpis: list[Kpi]) -> bytes:
    """Small multiples: per KPI the region's median per quarter, the quartile band and the
    norm. ``trend`` has columns quarter, kpi_code, q1, median, q3, norm."""
    shown = [k for k in kpis if k.code in set(trend["kpi_code"])] or kpis[:1]
    cols = 3
    rows = math.ceil(len(shown) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(7.2, 1.9 * rows), squeeze=False)
    for ax, kpi in zip(axes.flat, shown, strict=False):
        part = trend[trend["kpi_code"] == kpi.code].sort_values("quarter")
        x = range(len(part))
        ax.fill_between(x, part["q1"], part["q3"], color="#c9d9ec", label="middelste helft")
        ax.plot(x, part["median"], marker="o", color="#1f4e79", label="mediaan")
        if part["norm"].notna().any():
            ax.step(x, part["norm"], where="mid", color="#a00", linestyle="--", label="norm")
        ax.set_xticks(list(x), [_tick(Quarter.parse(q)) for q in part["quarter"]], fontsize=6)
        ax.set_title(_short(kpi.label), fontsize=7.5)
        ax.yaxis.set_major_formatter(_COMMA)
    for ax in list(axes.flat)[len(shown) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return _png(fig)


@dataclass(frozen=True)
class Distribution:
    """Every provider's value of the quarter per KPI (grey dots) and the norm (black bar),
    drawn once as a picture for all pages that compare within the same providers; each KPI
    scaled to its own range and turned so that right is better. A page places its own
    provider's values on it with :meth:`marker` (no picture per provider)."""

    png: bytes
    rows: dict[str, tuple[int, float, float, bool]]  # kpi -> (row from the top, low, span, higher)
    box: tuple[float, float, float, float]  # the axes: left, right, top, bottom (fractions)

    def marker(self, kpi_code: str, value: float | None) -> tuple[float, float] | None:
        """Where ``value`` of ``kpi_code`` lies on the picture, as percentages from its left
        and top edges; None when the KPI is not drawn or there is no value."""
        if value is None or kpi_code not in self.rows or math.isnan(value):
            return None
        row, low, span, higher = self.rows[kpi_code]
        left, right, top, bottom = self.box
        x = left + (_scaled(value, low, span, higher) - _X_MIN) / (_X_MAX - _X_MIN) * (right - left)
        y = top + (row + 0.5) / len(self.rows) * (bottom - top)
        return round(100 * x, 2), round(100 * y, 2)


_X_MIN, _X_MAX = -0.05, 1.05


def _scaled(value: float, low: float, span: float, higher: bool) -> float:
    """0 (weakest) to 1 (best) within the KPI's range."""
    pos = (value - low) / span
    return pos if higher else 1 - pos


def distribution(
    values: pd.DataFrame, kpis: list[Kpi], norms: dict[str, float | None], title: str
) -> Distribution:
    """The picture of :class:`Distribution` for the providers in ``values`` (columns
    provider_id, kpi_code, value); KPIs without any value are left out."""
    shown = [k for k in kpis if values[values["kpi_code"] == k.code]["value"].notna().any()]
    fig, ax = plt.subplots(figsize=(7.2, 0.32 * max(len(shown), 1) + 0.8))
    rows: dict[str, tuple[int, float, float, bool]] = {}
    for row, kpi in enumerate(shown):
        part = values[values["kpi_code"] == kpi.code].dropna(subset=["value"])
        norm = norms.get(kpi.code)
        points = list(part["value"]) + ([norm] if norm is not None else [])
        low, high = min(points), max(points)
        scale = (low, (high - low) or 1.0, kpi.direction == "higher")
        rows[kpi.code] = (row, *scale)
        xs = [_scaled(v, *scale) for v in part["value"]]
        ax.scatter(xs, [row] * len(part), s=12, color="#999")
        if norm is not None:
            x = _scaled(norm, *scale)
            ax.plot([x, x], [row - 0.35, row + 0.35], color="black", linewidth=1.5)
    ax.set_yticks(range(len(shown)), [_short(k.label) for k in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)  # the first KPI on top, each row one unit high
    ax.set_xticks([0, 1], ["zwakker", "beter"])
    ax.set_xlim(_X_MIN, _X_MAX)
    height = fig.get_figheight()
    fig.suptitle(title, fontsize=8, y=1 - 0.12 / height)  # over the whole width: labels too
    box = (0.4, 0.98, 0.35 / height, 1 - 0.3 / height)
    fig.subplots_adjust(left=box[0], right=box[1], top=1 - box[2], bottom=1 - box[3])
    return Distribution(_png(fig, tight=False), rows, box)


def escalations_over_time(steps: pd.DataFrame, quarters: list[str]) -> bytes:
    """Steps taken per quarter, stacked by step. ``steps`` has columns quarter, step, count."""
    table = (
        steps.pivot_table(index="quarter", columns="step", values="count", aggfunc="sum")
        .reindex(quarters)
        .fillna(0)
    )
    fig, ax = plt.subplots(figsize=(7.2, 2.4))
    bottom = pd.Series(0.0, index=table.index)
    colors = plt.get_cmap("OrRd")
    for step in sorted(table.columns):
        ax.bar(
            [q.replace("-", " ") for q in table.index],
            table[step],
            bottom=bottom,
            color=colors(0.25 + step / 10),
            label=f"trede {step}",
        )
        bottom += table[step]
    if table.columns.empty:
        ax.bar([q.replace("-", " ") for q in quarters], [0] * len(quarters))
        ax.text(0.5, 0.5, "geen escalatietreden", transform=ax.transAxes, ha="center")
    else:
        ax.legend(frameon=False, fontsize=7, ncol=4)
    ax.set_ylabel("genomen treden")
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return _png(fig)


def _short(label: str, width: int = 36) -> str:
    label = label.split(" (")[0]
    return label if len(label) <= width else label[: width - 1] + "…"


def _tick(quarter: Quarter) -> str:
    """'Q1' over '2027' under a trend chart's point."""
    return f"Q{quarter.number}\n{quarter.year}"
