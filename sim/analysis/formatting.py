"""The comparison table as Markdown (terminal and notes), tidy CSV or a LaTeX tabular.

All three are built from the wide table of :func:`sim.analysis.tables.compare_runs`.
Markdown and LaTeX round each outcome by its magnitude (three significant digits of the
largest mean) so its column lines up; CSV keeps full precision. Markdown tables are
pandas' ``DataFrame.to_markdown`` (tabulate) and CSV is ``DataFrame.to_csv``. The LaTeX
tabular is written here: its outcome title rows span every column, which pandas'
``Styler.to_latex`` cannot produce (it repeats the outcome on every row or needs
``multirow``), so the paper table would be harder to read.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.render import (
    decimals_for,
    latex_cell,
    latex_escape,
    markdown_table,
    number,
    spread,
)
from sim.analysis.tables import STATS, long_table, outcome_bounds
from sim.defaults import TABLE_FORMATS
from sim.errors import InputError, did_you_mean
from sim.outcomes import OUTCOMES


def format_table(table: pd.DataFrame, fmt: str = "md") -> str:
    """``table`` as text in ``fmt``, one of :data:`sim.defaults.TABLE_FORMATS`: ``md``,
    ``wide``, ``csv`` or ``latex``."""
    formats = {"md": format_markdown, "wide": format_wide, "csv": format_csv, "latex": format_latex}
    if fmt not in TABLE_FORMATS:
        raise InputError(f"unknown format '{fmt}'{did_you_mean(fmt, TABLE_FORMATS)}")
    return formats[fmt](table)


def format_csv(table: pd.DataFrame) -> str:
    """Tidy CSV: one row per condition and outcome, one column per statistic, full precision."""
    return long_table(table).to_csv(index=False)


def outcome_cells(table: pd.DataFrame, name: str) -> list[dict[str, str]]:
    """Per condition, the displayed ``mean``, ``diff``, ``g`` and ``reached`` of ``name``."""
    dec = decimals_for(table[f"{name}.mean"])
    stats = table[[f"{name}.{k}" for k in STATS]].set_axis(list(STATS), axis=1)
    cells = []
    for s, runs, ref in zip(
        stats.to_dict("records"), table["runs"], table["reference"], strict=True
    ):
        diff = spread(s["diff"], s["diff_low"], s["diff_high"], dec, sign=True)
        cells.append(
            {
                "mean": spread(s["mean"], s["low"], s["high"], dec),
                "diff": "ref" if ref else diff,
                "g": "" if ref else number(s["g"], 2, sign=True),
                "reached": f"{int(s['reached'])}/{int(runs)}",
            }
        )
    return cells


def has_missing(table: pd.DataFrame, name: str) -> bool:
    """Whether some successful run did not reach outcome ``name``."""
    return bool((table[f"{name}.reached"] < table["runs"]).any())


def label_columns(table: pd.DataFrame) -> list[str]:
    """The columns that name a condition: its factors, or its label when there are none."""
    return list(table.attrs["factors"]) or ["condition"]


def describe(name: str) -> str:
    """``Share of users adopted at the end (share; CI cut at 0 and 1)``: the outcome's
    description, unit and, for a bounded outcome, how its intervals respect the bounds."""
    text, unit = OUTCOMES.get(name, (name, ""))
    bounds = outcome_bounds(name)
    if bounds is not None:
        unit += f"; CI cut at {bounds[0]:g} and {bounds[1]:g}"
    return f"{text} ({unit})" if unit else text


def ci_label(level: float) -> str:
    return f"{level * 100:g} % CI"


# --- Markdown -------------------------------------------------------------------------


def format_markdown(table: pd.DataFrame) -> str:
    """A Markdown report: an overview of runs per condition, then one table per outcome
    (condition, mean [CI], difference from the reference [CI], Hedges' g and, where some
    runs never reached the outcome, the reached count). Columns are padded for terminals."""
    labels = label_columns(table)
    ci = ci_label(table.attrs["level"])
    lines = ["# Comparison of conditions", "", *_preamble(table), ""]
    overview = [
        [str(r["point"]), *map(str, r[labels]), str(r["runs"]), str(r["failed"])]
        for _, r in table.iterrows()
    ]
    lines += markdown_table(
        ["point", *labels, "runs", "failed"],
        overview,
        right=[True, *[False] * len(labels), True, True],
    )
    for name in table.attrs["outcomes"]:
        missing = has_missing(table, name)
        header = [*labels, f"mean [{ci}]", f"diff [{ci}]", "g"] + (["reached"] if missing else [])
        rows = []
        for (_, r), c in zip(table.iterrows(), outcome_cells(table, name), strict=True):
            rows.append(
                [*map(str, r[labels]), c["mean"], c["diff"], c["g"]]
                + ([c["reached"]] if missing else [])
            )
        right = [*[False] * len(labels), True, True, True] + ([True] if missing else [])
        lines += ["", f"## {name}: {describe(name)}", "", *markdown_table(header, rows, right)]
    return "\n".join(lines) + "\n"


def format_wide(table: pd.DataFrame) -> str:
    """One compact Markdown table: a row per condition (the reference in bold), a column
    per outcome with its mean [CI] (and reached/runs where some runs did not reach it)."""
    labels = label_columns(table)
    outcomes = table.attrs["outcomes"]
    cells = {name: outcome_cells(table, name) for name in outcomes}
    rows = []
    for i, (_, r) in enumerate(table.iterrows()):
        names = [f"**{v}**" if r["reference"] else str(v) for v in r[labels]]
        values = []
        for name in outcomes:
            c = cells[name][i]
            values.append(c["mean"] + (f" ({c['reached']})" if has_missing(table, name) else ""))
        rows.append([*names, str(r["runs"]), *values])
    header = [*labels, "runs", *outcomes]
    right = [*[False] * len(labels), True, *[True] * len(outcomes)]
    ci = ci_label(table.attrs["level"])
    note = (
        f"Mean [{ci}] per condition, the interval Monte Carlo precision over replicates; the "
        "reference condition in bold."
    )
    return "\n".join([note, "", *markdown_table(header, rows, right)]) + "\n"


def _preamble(table: pd.DataFrame) -> list[str]:
    ref = table[table["reference"]].iloc[0]
    labels = label_columns(table)
    ref_text = ", ".join(f"{c} = {ref[c]}" for c in labels)
    ci = ci_label(table.attrs["level"])
    return [
        f"{len(table)} conditions, {int(table['runs'].sum())} successful runs, "
        f"{int(table['failed'].sum())} failed (left out).",
        f"Reference: {ref_text}.",
        f"mean [{ci}]: mean over replicates, Student t interval; diff [{ci}]: mean minus the",
        "reference mean, Welch interval; g: Hedges' g, in SDs between replicates (seeds).",
        "Intervals and g measure Monte Carlo precision in this one set of parameters: more",
        "replicates narrow them without limit, and they say nothing about how sure we can be",
        "for a real organisation (for that, sample uncertain worlds: docs/experiments.md).",
        "Intervals of shares and 0-1 scales are cut at their bounds (coverage unchanged).",
        "reached: runs in which the outcome was reached; mean and diff use only those.",
    ]


# --- LaTeX ----------------------------------------------------------------------------


def format_latex(table: pd.DataFrame) -> str:
    """A booktabs ``tabular`` (needs ``\\usepackage{booktabs}``): one block per outcome,
    one row per condition, with runs, mean [CI], difference [CI], g and reached counts."""
    labels = label_columns(table)
    outcomes = table.attrs["outcomes"]
    reached = any(has_missing(table, name) for name in outcomes)
    ci = latex_escape(ci_label(table.attrs["level"]))
    header = [*map(latex_escape, labels), "Runs", f"Mean [{ci}]", f"Difference [{ci}]", "$g$"]
    header += ["Reached"] if reached else []
    ncol = len(header)
    lines = [
        f"% Comparison of {len(table)} conditions; {int(table['failed'].sum())} failed runs "
        "left out; intervals and g are Monte Carlo precision over replicates. Needs "
        "\\usepackage{booktabs}.",
        "\\begin{tabular}{" + "l" * len(labels) + "r" * (ncol - len(labels)) + "}",
        "\\toprule",
        " & ".join(header) + " \\\\",
    ]
    for name in outcomes:
        title = f"\\textit{{{latex_escape(name)}}}: {latex_escape(describe(name))}"
        lines += ["\\midrule", f"\\multicolumn{{{ncol}}}{{l}}{{{title}}} \\\\"]
        for (_, r), c in zip(table.iterrows(), outcome_cells(table, name), strict=True):
            row = [latex_escape(v) for v in r[labels]] + [str(r["runs"])]
            row += [latex_cell(c[k]) for k in ("mean", "diff", "g")]
            row += [c["reached"]] if reached else []
            lines.append(" & ".join(row) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"
