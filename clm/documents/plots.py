"""Plots of the regional analysis (matplotlib, no screen), returned as PNG bytes.

Dutch labels and decimal commas; a value without data is left out, never drawn as zero.
"""

from __future__ import annotations

import io
import math

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


def provider_distribution(
    values: pd.DataFrame, kpis: list[Kpi], provider_id: int, norms: dict[str, float | None]
) -> bytes:
    """One row per KPI: every provider's value of the quarter (grey), this provider (red)
    and the norm (black bar), each KPI scaled to its own range and turned so that right is
    better. ``values`` has columns provider_id, kpi_code, value."""
    shown = [k for k in kpis if values[values["kpi_code"] == k.code]["value"].notna().any()]
    fig, ax = plt.subplots(figsize=(7.2, 0.32 * max(len(shown), 1) + 0.8))
    for row, kpi in enumerate(reversed(shown)):
        part = values[values["kpi_code"] == kpi.code].dropna(subset=["value"])
        norm = norms.get(kpi.code)
        points = list(part["value"]) + ([norm] if norm is not None else [])
        low, high = min(points), max(points)
        span = (high - low) or 1.0

        def scale(v: float, kpi: Kpi = kpi, low: float = low, span: float = span) -> float:
            pos = (v - low) / span
            return pos if kpi.direction == "higher" else 1 - pos

        ax.scatter([scale(v) for v in part["value"]], [row] * len(part), s=12, color="#999")
        own = part[part["provider_id"] == provider_id]["value"]
        if not own.empty:
            ax.scatter([scale(own.iloc[0])], [row], s=60, color="#c00", marker="D", zorder=3)
        if norm is not None:
            ax.plot([scale(norm)] * 2, [row - 0.35, row + 0.35], color="black", linewidth=1.5)
    ax.set_yticks(range(len(shown)), [_short(k.label) for k in reversed(shown)])
    ax.set_xticks([0, 1], ["zwakker", "beter"])
    ax.set_xlim(-0.05, 1.05)
    ax.set_title("Positie tussen de aanbieders (rood: deze aanbieder, streep: norm)", fontsize=8)
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.4, right=0.98, top=1 - 0.35 / height, bottom=0.3 / height)
    return _png(fig, tight=False)


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
