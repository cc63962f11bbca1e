"""The report's charts: Vega-Lite specs built with Altair, rendered to inline SVG at build time by vl-convert.

The page then needs no JavaScript and no network for its charts, and the SVG keeps its text as text, so
Chinese labels are drawn by the reader's own fonts. Legends list one entry per line: the build measures text
with its own fonts (without a CJK font, Chinese measures narrow), so entries side by side could run into each
other in the reader's browser. Each chart comes in two widths (desktop and phone; the
page's CSS shows one), and each SVG is an image with a text alternative. Row labels are drawn as left-aligned
text in a column of their own rather than as axis labels: the reader's fonts may be wider than the ones the
build measured with, and left-aligned text then runs into the gap instead of off the edge of the image.

vl-convert draws a chart in a few tenths of a second (holding the GIL), after most of a second to start its
JavaScript engine once per process; the report therefore draws few charts of at most limits.CHART_LIMIT
rows, and staged_report starts the engine while it reads the tables.
"""

from __future__ import annotations

import contextlib
import html
import re
import threading

import altair as alt
import pandas as pd
import vl_convert

VL_VERSION = "6.4"
FONT = ('system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
        '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')
MUTED = "#57606a"
WIDE = {"labels": 250, "plot": 430, "step": 40, "en": True}
NARROW = {"labels": 120, "plot": 210, "step": 34, "en": False}

OUTCOMES = {
    # outcome code: (Chinese, English, colour); the order is the stacking order and the legend's.
    "on_time": ("按时完成", "completed on time", "#1a7f37"),
    "late": ("逾期完成", "completed late", "#8cc084"),
    "overdue": ("逾期未完成", "overdue", "#c62828"),
    "unreported": ("未报告", "not reported", "#6e7781"),
    "cancelled": ("已取消", "cancelled", "#9e9e9e"),
    "open": ("未到期", "not yet due", "#cfd8dc"),
}
"""What became of a milestone with text, as of the release date. Colours differ in lightness too. "unreported" is
past due with no report on its outcome: unknown, grey, never folded into overdue (red)."""
UNKNOWN_ACTUAL = "实际：未知 actual, not known yet"
"""A figure short of the target reported before its due date: not (yet) missed, so not red."""
QUARTERS_ZH = "一二三四"
WARM_UP = {"data": {"values": [{"n": 1}]}, "mark": "point", "encoding": {"x": {"field": "n", "type": "quantitative"}}}
"""A chart drawn only to start vl-convert's engine while the release's tables are still being read."""


def outcome_label(code: str) -> str:
    zh, en, _ = OUTCOMES[code]
    return f"{zh} {en}"


def scorecard_chart(scorecard: pd.DataFrame, *, narrow: bool = False) -> str:
    """Stacked bars per lead division: due milestones completed on time, completed late, overdue and not reported
    (past due, outcome unknown); the on-time rate over the known outcomes, "—" when none is known."""
    size = NARROW if narrow else WIDE
    lead = scorecard[scorecard["role"] == "lead"].sort_values(["on_time_pct", "name_zh"], ascending=[False, True],
                                                               na_position="last")
    rows = pd.DataFrame({"key": lead["department_id"], "zh": lead["name_zh"], "en": lead["name_en"].fillna(""),
                         "due": lead["milestones_due"], "pct": lead["on_time_pct"].map(_pct)})
    counts = {"on_time": lead["milestones_completed_on_time"],
              "late": lead["milestones_completed"] - lead["milestones_completed_on_time"],
              "overdue": lead["milestones_overdue"],
              "unreported": lead["milestones_unreported_past_due"]}
    order = rows["key"].tolist()
    bars = _stacked_bars(_long(rows["key"], counts), order, size, "到期进度数 milestones due")
    rate = alt.Chart(rows).mark_text(align="left", dx=4, fontSize=12).encode(
        y=alt.Y("key:N", sort=order, axis=None), x=alt.X("due:Q"), text="pct:N")
    chart = alt.hconcat(_row_labels(rows, order, size), alt.layer(bars, rate), spacing=12)
    alt_text = "牵头任务的按时完成率 On-time rate of the tasks each division leads: " + "; ".join(
        f"{r.name_zh} {r.name_en or ''} {_pct(r.on_time_pct)} ({r.milestones_completed_on_time} of "
        f"{r.milestones_outcome_known} with a known outcome on time, {r.milestones_overdue} overdue, "
        f"{r.milestones_unreported_past_due} not reported)" for r in lead.itertuples())
    return render_svg(chart, alt_text, f"scorecard-{'narrow' if narrow else 'wide'}")


def quarter_chart(quarters: pd.DataFrame, *, narrow: bool = False) -> str:
    """Stacked bars per quarter: the milestones planned, split by what became of them as of the release date."""
    size = NARROW if narrow else WIDE
    q = quarters.sort_values(["document_id", "quarter"])
    many = q["document_id"].nunique() > 1
    keys = [f"{d}-q{n}" for d, n in zip(q["document_id"], q["quarter"])]
    rows = pd.DataFrame({"key": keys, "zh": [f"第{QUARTERS_ZH[n - 1]}季度" for n in q["quarter"]],
                         "en": [f"{d} Q{n}" if many else f"Q{n}" for d, n in zip(q["document_id"], q["quarter"])]})
    counts = {"on_time": q["milestones_on_time"],
              "late": q["milestones_completed"] - q["milestones_on_time"],
              "overdue": q["milestones_overdue"],
              "unreported": q["milestones_unreported_past_due"],
              "cancelled": q["milestones_cancelled"],
              "open": q["milestones_planned"] - q["milestones_completed"] - q["milestones_overdue"]
              - q["milestones_unreported_past_due"] - q["milestones_cancelled"]}
    labels = _row_labels(rows, keys, {**size, "labels": min(size["labels"], 100), "en": True})
    chart = alt.hconcat(labels, _stacked_bars(_long(rows["key"], counts), keys, size, "计划进度数 milestones planned"),
                        spacing=12)
    alt_text = "各季度进度节点 Milestones per quarter: " + "; ".join(
        f"Q{r.quarter} {r.milestones_planned} planned, {r.milestones_on_time} completed on time, "
        f"{r.milestones_completed - r.milestones_on_time} late, {r.milestones_overdue} overdue, "
        f"{r.milestones_unreported_past_due} not reported, {r.milestones_cancelled} cancelled" for r in q.itertuples())
    return render_svg(chart, alt_text, f"quarters-{'narrow' if narrow else 'wide'}")


def targets_chart(targets: pd.DataFrame, *, narrow: bool = False) -> str | None:
    """Per target, the previous year's figure and the latest actual as a percentage of the target (100%)."""
    size = NARROW if narrow else WIDE
    t = targets.reset_index(drop=True).astype({c: float for c in ("target_value", "baseline_value", "actual_value")})
    t = t.assign(key=t["target_id"], zh=t["label"], en=t["value_text_zh"] + " · " + t["due_date"].map(str),
                 baseline_pct=100 * t["baseline_value"] / t["target_value"],
                 actual_pct=100 * t["actual_value"] / t["target_value"])
    if t[["baseline_pct", "actual_pct"]].isna().all().all():
        return None
    order = t["key"].tolist()
    top = max(125.0, float(t[["baseline_pct", "actual_pct"]].max().max()) * 1.1)
    scale = alt.Scale(domain=[0, top], nice=False)
    y = alt.Y("key:N", sort=order, axis=None, scale=alt.Scale(domain=order))
    met = [UNKNOWN_ACTUAL if m is None or pd.isna(m) else "实际：达标 actual, met" if m else "实际：未达标 actual, not met"
           for m in t["is_met"]]
    baseline = pd.DataFrame({"key": t["key"], "pct": t["baseline_pct"], "value": t["baseline_value"].map(_number),
                             "kind": "基线（上年）baseline, previous year"}).dropna(subset=["pct"])
    actual = pd.DataFrame({"key": t["key"], "pct": t["actual_pct"], "value": t["actual_value"].map(_number),
                           "kind": met}).dropna(subset=["pct"])
    missing = pd.DataFrame({"key": t.loc[t["actual_pct"].isna(), "key"], "pct": 0.0, "text": "未报告实际值 no actual reported"})
    kinds = ["基线（上年）baseline, previous year", "实际：达标 actual, met", "实际：未达标 actual, not met", UNKNOWN_ACTUAL]
    dots = alt.Chart(pd.concat([baseline, actual])).mark_point(filled=True, size=110, opacity=1).encode(
        y=y, x=alt.X("pct:Q", title="占目标值的百分比 % of the target", scale=scale),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=["#78909c", "#1a7f37", "#c62828", OUTCOMES["unreported"][2]]),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["diamond", "circle", "circle", "circle"]),
                        legend=None))
    layers = [
        alt.Chart(pd.DataFrame({"pct": [100.0], "text": ["目标 target"]})).mark_rule(color="#1f2328", strokeDash=[4, 3])
        .encode(x=alt.X("pct:Q", scale=scale)),
        alt.Chart(t[["key", "baseline_pct", "actual_pct"]].dropna()).mark_rule(color="#b0bec5", strokeWidth=2)
        .encode(y=y, x=alt.X("baseline_pct:Q", scale=scale), x2="actual_pct:Q"),
        dots,
        alt.Chart(actual).mark_text(dy=-12, fontSize=11, fontWeight="bold").encode(y=y, x=alt.X("pct:Q", scale=scale),
                                                                                     text="value:N"),
        alt.Chart(baseline).mark_text(dy=13, fontSize=11, color=MUTED).encode(y=y, x=alt.X("pct:Q", scale=scale),
                                                                              text="value:N"),
    ]
    if len(missing):
        layers.append(alt.Chart(missing).mark_text(align="left", dx=2, fontSize=11, color=MUTED, fontStyle="italic")
                      .encode(y=y, x=alt.X("pct:Q", scale=scale), text="text:N"))
    # A value is drawn above (actual) or below (baseline) its dot: rows need room for both and a gap between them.
    size = {**size, "step": size["step"] + 14}
    plot = alt.layer(*layers).properties(width=size["plot"], height=alt.Step(size["step"]))
    chart = alt.hconcat(_row_labels(t, order, size), plot, spacing=12)
    alt_text = "量化目标：基线与最新实际值占目标的百分比 Targets: previous-year figure and latest actual as % of the target: " + "; ".join(
        f"{r.zh} target {r.value_text_zh}: previous year {_number(r.baseline_value)}, latest actual {_number(r.actual_value)}"
        for r in t.itertuples())
    return render_svg(chart, alt_text, f"targets-{'narrow' if narrow else 'wide'}")


def render_svg(chart: alt.TopLevelMixin, alt_text: str, id_prefix: str) -> str:
    """Vega-Lite → SVG with no network access; the root made an image with a text alternative, ids made unique."""
    spec = (chart.configure(font=FONT, background="transparent").configure_view(stroke=None)
            .configure_axis(labelFontSize=12, titleFontSize=12, titleFontWeight="normal", titleColor=MUTED)
            .configure_legend(labelFontSize=12, symbolType="square", columnPadding=24, labelLimit=0).to_dict())
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=[])
    return accessible_svg(unique_ids(svg, id_prefix), alt_text)


@contextlib.contextmanager
def engine_starting():
    """Start vl-convert's JavaScript engine on a thread while the block runs (staged_report reads the tables).

    Starting it takes most of a second, during which other threads run (drawing a chart holds the GIL, so
    charts themselves gain nothing from threads); once started it stays up for the process.
    """
    thread = threading.Thread(target=vl_convert.vegalite_to_svg, args=(WARM_UP,), kwargs={"vl_version": VL_VERSION},
                              name="vl-convert-start", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def unique_ids(svg: str, prefix: str) -> str:
    """Prefix every id and its references, so several inline SVGs on one page never use each other's clip paths."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if not ids:
        return svg
    pattern = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    svg = re.sub(rf'\bid="({pattern})"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(rf'(url\(#|href="#)({pattern})(?=[)"])', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def accessible_svg(svg: str, alt_text: str) -> str:
    """The root <svg> as role="img" with aria-label and a <title>; its inner marks hidden from screen readers."""
    match = re.match(r"<svg\b([^>]*)>", svg)
    if not match:
        raise ValueError("vl-convert returned no <svg> element")
    attrs = re.sub(r'\s(?:role|aria-[a-z]+)="[^"]*"', "", match.group(1))
    label = html.escape(alt_text, quote=True)
    return f'<svg{attrs} role="img" aria-label="{label}"><title>{html.escape(alt_text)}</title>' + svg[match.end():]


def _row_labels(rows: pd.DataFrame, order: list[str], size: dict) -> alt.LayerChart:
    """A column of row names: Chinese in bold, the English below it (wide charts only), left-aligned."""
    base = alt.Chart(rows[["key", "zh", "en"]]).encode(y=alt.Y("key:N", sort=order, axis=None), x=alt.value(0))
    zh = base.mark_text(align="left", baseline="bottom" if size["en"] else "middle", dy=-1 if size["en"] else 0,
                        fontSize=13, fontWeight="bold", limit=size["labels"]).encode(text="zh:N")
    layers = [zh]
    if size["en"]:
        layers.append(base.mark_text(align="left", baseline="top", dy=1, fontSize=11, color=MUTED,
                                     limit=size["labels"]).encode(text="en:N"))
    return alt.layer(*layers).properties(width=size["labels"], height=alt.Step(size["step"]))


def _long(keys: pd.Series, counts: dict[str, pd.Series]) -> pd.DataFrame:
    rows = [{"key": k, "outcome": outcome_label(code), "n": int(n), "order": list(OUTCOMES).index(code)}
            for code, values in counts.items() for k, n in zip(keys, values)]
    return pd.DataFrame(rows)


def _stacked_bars(rows: pd.DataFrame, order: list[str], size: dict, x_title: str) -> alt.Chart:
    present = set(rows.loc[rows["n"] > 0, "outcome"]) or set(rows["outcome"])
    codes = [code for code in OUTCOMES if outcome_label(code) in present]
    return alt.Chart(rows).mark_bar(height={"band": 0.7}).encode(
        y=alt.Y("key:N", sort=order, axis=None),
        x=alt.X("sum(n):Q", title=x_title, axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("outcome:N", title=None,
                        scale=alt.Scale(domain=[outcome_label(c) for c in codes], range=[OUTCOMES[c][2] for c in codes]),
                        legend=alt.Legend(orient="bottom", columns=1)),
        order=alt.Order("order:Q"),
    ).properties(width=size["plot"], height=alt.Step(size["step"]))


def _pct(value) -> str:
    return "—" if pd.isna(value) else f"{value:.0f}%"


def _number(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
