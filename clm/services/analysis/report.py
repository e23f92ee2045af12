"""The regional analysis, part 2: render the gathered figures as the report (markdown for
the artifact, PDF for the region with a page per provider). Pure with respect to storage."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from clm.clock import dutch_date
from clm.documents.pdf import SECTIONS_PER_PART, Part, join_pdfs, lay_out_parts
from clm.documents.plots import Distribution, distribution, escalations_over_time, kpi_trends
from clm.documents.provider_pages import KpiLine, ProviderPage, ProviderPages
from clm.documents.rendering import render
from clm.numbers import format_euro, format_number, format_value
from clm.rules.config import RegionConfig
from clm.rules.contracts import outlook_end
from clm.rules.kpis import quarters_back
from clm.rules.quarters import quarter_year
from clm.rules.vocabulary import signal_label
from clm.services.analysis.gather import TREND_QUARTERS, AnalysisData


@dataclass
class RenderedReport:
    """The PDFs and plots of one analysis."""

    digest: str
    report_pdf: bytes
    markdown: str
    provider_pages: dict[int, tuple[str, bytes]]  # provider_id -> (digest, pdf)


def _pct(part: int, whole: int) -> str:
    return "geen gegevens" if not whole else f"{format_number(100 * part / whole, 0)}%"


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _trend_table(data: AnalysisData, cfg: RegionConfig) -> pd.DataFrame:
    quarters = quarters_back(data.quarter, TREND_QUARTERS)
    grouped = data.values.dropna(subset=["value"]).groupby(["quarter", "kpi_code"])["value"]
    stats = pd.DataFrame(
        {"q1": grouped.quantile(0.25), "median": grouped.median(), "q3": grouped.quantile(0.75)}
    ).reset_index()
    norms = pd.DataFrame(
        [
            {"quarter": q, "kpi_code": k.code, "norm": k.norm_for(q)}
            for q in quarters
            for k in cfg.kpis
        ]
    )
    return norms.merge(stats, on=["quarter", "kpi_code"], how="left")


def _summary_context(data: AnalysisData, cfg: RegionConfig) -> dict[str, Any]:
    labels = {c.number: c.label for c in cfg.classification.categories}
    meetings = [
        {
            "category": f"{int(r.category)} {labels.get(int(r.category), '')}",
            "due": int(r.due),
            "scheduled": int(r.scheduled),
            "cancelled": int(r.cancelled),
            "held": int(r.held),
            "share": _pct(int(r.held), int(r.due)),
        }
        for r in data.meetings.itertuples()
    ]
    kpi_labels = {k.code: k for k in cfg.kpis}
    care_names = {c.code: c.name for c in cfg.care_types}
    care_rows = [
        {
            "care_type": f"{r.care_type} {care_names.get(r.care_type, '')}",
            "kpi": kpi_labels[r.kpi_code].label,
            "unit": kpi_labels[r.kpi_code].unit,
            "delivered": int(r.delivered),
            "met": f"{int(r.met)} van {int(r.judged)}" if r.judged else "geen norm",
            "share": _pct(int(r.met), int(r.judged)),
            "norm": format_number(r.norm),
            "q1": format_number(r.q1),
            "median": format_number(r.median),
            "q3": format_number(r.q3),
        }
        for r in data.by_care_type.itertuples()
    ]
    m, rc, a = data.minutes, data.reactions, data.actions
    return {
        "region": cfg.region,
        "quarter": data.quarter,
        "as_of": data.as_of,
        "meetings": meetings,
        "minutes": {**m, "share": _pct(m["on_time"], m["held"])},
        "reactions": {**rc, "share": _pct(rc["in_week"], rc["sent"])},
        "actions": {**a, "share": _pct(a["on_time"], a["due"])},
        "signals": [
            {"kind": signal_label(r.kind), "open": int(r.open)} for r in data.signals.itertuples()
        ],
        "escalations": [
            {"step": int(r.current_step), "open": int(r.open)}
            for r in data.escalations.dropna().itertuples()
        ],
        "care_rows": care_rows,
        "contracts": [
            {"provider": f"{r.code} {r.name}", "lot": r.lot, "what": r.what, "on": r.on}
            for r in data.contracts.itertuples()
        ],
        "outlook_until": outlook_end(data.quarter),
        "subcontracting": [
            {
                "main": r.main,
                "sub": r.sub,
                "lot": r.lot,
                "clients": int(r.clients),
                "revenue": format_euro(r.revenue),
                "share": "—" if pd.isna(r.share) else f"{r.share * 100:.0f}%",
            }
            for r in data.subcontracting.itertuples()
        ],
        "providers_count": len(data.providers),
        "with_data": int(
            data.values[data.values["quarter"] == data.quarter]["provider_id"].nunique()
        ),
    }


def _primary(care_types: str | None) -> str:
    """The lot a provider is compared within: the first it holds ('' for none)."""
    return (care_types or "").split(",")[0].strip()


def _provider_context(
    data: AnalysisData,
    cfg: RegionConfig,
    provider: Any,
    bench: dict[tuple[str, str], dict[str, Any]],
    plot: bytes | None,
    markers: list[tuple[float, float]],
) -> dict[str, Any]:
    """What a provider's page shows; ``bench`` its rows of the benchmark by (care type, KPI)."""
    pid = int(provider.provider_id)
    primary = _primary(provider.care_types)
    rows = []
    for kpi in cfg.kpis:
        if primary:
            r = bench.get((primary, kpi.code))
        else:  # no lot: the first row of the KPI, as the benchmark has it
            r = next((v for (_c, code), v in bench.items() if code == kpi.code), None)
        met = None if r is None or pd.isna(r["met"]) else bool(r["met"])
        rows.append(
            {
                "kpi": kpi.label,
                "unit": kpi.unit,
                "value": format_value(None if r is None else r["value"], kpi.unit),
                "norm": format_value(kpi.norm_for(data.quarter), kpi.unit),
                "met": "—" if met is None else ("ja" if met else "nee"),
                "missed": met is False,
                "obligation": kpi.is_obligation(quarter_year(data.quarter)),
                "previous": format_value(None if r is None else r["previous"], kpi.unit),
                "mean_4q": format_value(None if r is None else r["mean_4q"], kpi.unit),
                "median": format_value(None if r is None else r["median"], kpi.unit),
                "quartile": "—" if r is None or pd.isna(r["quartile"]) else int(r["quartile"]),
            }
        )
    facts = data.page_facts.get(pid, {})
    category = provider.category
    return {
        "provider": provider,
        "category": None if pd.isna(category) else int(category),
        "primary": primary,
        "manager": cfg.staff_by_key.get(provider.contract_manager),
        "rows": rows,
        "facts": facts,
        "plot": plot,
        "markers": markers,
        "anchor": f"p{pid}",
        "quarter": data.quarter,
    }


_FIGURES = ("unit", "value", "norm", "met", "previous", "mean_4q", "median", "quartile")


def _provider_page(context: dict[str, Any]) -> ProviderPage:
    """The page of :func:`_provider_context`, written out as it reads."""
    provider, facts, quarter = context["provider"], context["facts"], context["quarter"]
    category = context["category"]
    lots = provider.care_types or "—"
    if context["primary"]:
        lots += f" (vergeleken binnen {context['primary']})"
    manager = context["manager"]
    meetings = facts.get("meetings")
    step = facts.get("step")
    return ProviderPage(
        anchor=context["anchor"],
        title=f"{provider.name} (AGB {provider.code})",
        facts=(
            ("Categorie", "niet geclassificeerd" if category is None else str(category)),
            ("Percelen", lots),
            ("Contractmanager", manager.name if manager else str(provider.contract_manager)),
            (f"Gesprekken {quarter}", ", ".join(meetings) if meetings else "geen"),
            ("Open signalen", str(facts.get("signals", 0))),
            ("Escalatie", f"trede {step}" if step else "geen open escalatie"),
        ),
        rows=tuple(
            KpiLine(
                label=r["kpi"],
                **{k: str(r[k]) for k in _FIGURES},
                missed=r["missed"],
                obligation=r["obligation"],
            )
            for r in context["rows"]
        ),
        no_picture=f"Geen gegevens over {quarter}: geen vergelijking met de andere aanbieders.",
        picture=context["plot"],
        markers=tuple(context["markers"]),
    )


def _page_digest(context: dict[str, Any]) -> str:
    # the picture is shared by the lot: a page's own record is its figures and facts
    skipped = ("provider", "manager", "plot", "markers", "anchor", "digest")
    body = {k: v for k, v in context.items() if k not in skipped}
    body["provider"] = [context["provider"].code, context["provider"].name]
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _in_force(data: AnalysisData, cfg: RegionConfig) -> RegionConfig:
    """The config with the KPIs as ``gather`` found them in force (amended norms)."""
    return cfg.model_copy(update={"kpis": data.kpis}) if data.kpis else cfg


def render_markdown(data: AnalysisData, cfg: RegionConfig) -> str:
    """The summary with the region's plots, for the markdown artifact."""
    cfg = _in_force(data, cfg)
    quarters = quarters_back(data.quarter, TREND_QUARTERS)
    return render(
        "artifacts/regional_analysis.md.j2",
        trend=_data_uri(kpi_trends(_trend_table(data, cfg), cfg.kpis)),
        steps=_data_uri(escalations_over_time(data.steps, quarters)),
        **_summary_context(data, cfg),
    )


def _distributions(
    data: AnalysisData, cfg: RegionConfig, current: pd.DataFrame
) -> dict[str, Distribution]:
    """The position picture per lot that providers are compared within, drawn once from
    the quarter's values of the providers holding it ('': every provider, for those
    without a lot); a lot without any value gets none."""
    norms = {k.code: k.norm_for(data.quarter) for k in cfg.kpis}
    names = {c.code: c.name for c in cfg.care_types}
    lots = data.memberships
    pictures = {}
    for lot in sorted({_primary(t) for t in data.providers["care_types"]}):
        peers = lots[lots["care_type"] == lot]["provider_id"] if lot else current["provider_id"]
        part = current[current["provider_id"].isin(peers)]
        if part["value"].notna().any():
            within = f"perceel {lot} {names.get(lot, '')}".strip() if lot else "alle aanbieders"
            title = f"Positie binnen {within} (rood: deze aanbieder, streep: norm)"
            pictures[lot] = distribution(part, cfg.kpis, norms, title)
    return pictures


def render_report(
    data: AnalysisData, cfg: RegionConfig, skip: set[str] = frozenset()
) -> RenderedReport:
    """Plots, the regional PDF (summary and a page per provider) and each provider's page
    as its own PDF, cut from the laid-out pages. Every page is laid out once, the provider
    pages in parts (in parallel processes for a large region); the position picture is
    drawn once per lot and a page marks its provider's values on it. Pages whose digest
    (first 16 characters) is in ``skip`` are in the dossier already: no PDF of their own."""
    cfg = _in_force(data, cfg)
    quarters = quarters_back(data.quarter, TREND_QUARTERS)
    trend_uri = _data_uri(kpi_trends(_trend_table(data, cfg), cfg.kpis))
    steps_uri = _data_uri(escalations_over_time(data.steps, quarters))
    summary = _summary_context(data, cfg)
    current = data.values[data.values["quarter"] == data.quarter].dropna(subset=["value"])
    pictures = _distributions(data, cfg, current)
    # per provider, looked up in a dict rather than filtered out of a table 1,000 times
    bench: dict[int, dict[tuple[str, str], dict[str, Any]]] = {}
    for r in data.bench.to_dict("records"):  # once: a table per provider costs 2.5 ms each
        bench.setdefault(int(r["provider_id"]), {})[(r["care_type"], r["kpi_code"])] = r
    values = {int(pid): part for pid, part in current.groupby("provider_id")}
    pages = []
    for provider in data.providers.itertuples():
        pid = int(provider.provider_id)
        own = values.get(pid)
        lot = _primary(provider.care_types)
        plot, markers = None, []
        if lot in pictures and own is not None:
            plot = pictures[lot].png
            spots = zip(own["kpi_code"], own["value"], strict=True)
            markers = [m for c, v in spots if (m := pictures[lot].marker(c, v)) is not None]
        pages.append(_provider_context(data, cfg, provider, bench.get(pid, {}), plot, markers))
    for page in pages:
        page["digest"] = _page_digest(page)
    front = render("reports/regional.html.j2", trend=trend_uri, steps=steps_uri, **summary)
    chunks = [pages[i : i + SECTIONS_PER_PART] for i in range(0, len(pages), SECTIONS_PER_PART)]
    laid_out = lay_out_parts(
        [Part(front)]
        + [
            ProviderPages(
                heading=f"Regioanalyse {data.quarter}",
                note=f"{cfg.region.organisation}. Peildatum {dutch_date(data.as_of)}.",
                kpi_heading=f"Indicatoren {data.quarter}",
                pages=tuple(_provider_page(p) for p in chunk),
                cut=frozenset(p["anchor"] for p in chunk if p["digest"][:16] not in skip),
                title=f"Regioanalyse {data.quarter}: pagina's per aanbieder",
            )
            for chunk in chunks
        ],
    )
    own_pdfs = {anchor: pdf for part in laid_out for anchor, pdf in part.sections.items()}
    provider_pages = {
        int(p["provider"].provider_id): (p["digest"], own_pdfs.get(p["anchor"], b"")) for p in pages
    }
    markdown = render(
        "artifacts/regional_analysis.md.j2", trend=trend_uri, steps=steps_uri, **summary
    )
    report = join_pdfs([part.pdf for part in laid_out])
    return RenderedReport(data.digest(), report, markdown, provider_pages)


# --- storing ----------------------------------------------------------------------------
