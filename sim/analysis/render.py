"""Text renderers for the tables over worlds, sensitivity indices and discovered boxes.

Numbers are rounded by magnitude (three significant digits of the largest value of a
column), Markdown tables are padded pipe tables for terminals, and LaTeX tables are
booktabs ``tabular`` environments (``\\usepackage{booktabs}``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

SIGNIFICANT = 3
"""Significant digits shown for the largest value of a column."""


def decimals_for(values) -> int:
    """Decimals that show ``SIGNIFICANT`` significant digits of the largest ``|value|``.

    >>> decimals_for([0.961, 0.5]), decimals_for([25.7, 40.0]), decimals_for([2180.0])
    (3, 1, 0)
    """
    a = np.abs(np.asarray(values, dtype=float)).ravel()
    a = a[np.isfinite(a) & (a > 0)]
    if a.size == 0:
        return 2
    return int(min(6, max(0, SIGNIFICANT - 1 - math.floor(math.log10(a.max())))))


def _missing(v) -> bool:
    return v is None or (isinstance(v, float | np.floating) and math.isnan(v))


def number(v, decimals: int, sign: bool = False) -> str:
    """``v`` rounded to ``decimals`` (no ``-0.0``); ``n/a`` for NaN or None.

    >>> number(-0.0004, 3), number(0.0149, 2, sign=True), number(float("nan"), 1)
    ('0.000', '+0.01', 'n/a')
    """
    if _missing(v):
        return "n/a"
    v = round(float(v), decimals) + 0.0
    return f"{v:+.{decimals}f}" if sign else f"{v:.{decimals}f}"


def spread(m, low, high, decimals: int, sign: bool = False) -> str:
    """``m [low, high]``, or just ``m`` when the mean or the bounds are undefined."""
    if _missing(m) or _missing(low):
        return number(m, decimals, sign)
    return (
        f"{number(m, decimals, sign)} "
        f"[{number(low, decimals, sign)}, {number(high, decimals, sign)}]"
    )


def percent(p) -> str:
    """A share as a whole percentage, ``63 %``; ``n/a`` for NaN."""
    if _missing(p):
        return "n/a"
    return f"{round(100 * float(p)) + 0:d} %"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], right) -> list[str]:
    """A pipe table with padded columns (``DataFrame.to_markdown``, i.e. tabulate's
    ``pipe`` format); ``right[i]`` right-aligns column ``i``. Cells are shown as given."""
    cells = [[str(c).replace("|", r"\|") for c in row] for row in rows]
    columns = [str(c).replace("|", r"\|") for c in header]
    frame = pd.DataFrame(cells, columns=columns, dtype=str)
    text = frame.to_markdown(
        index=False,
        tablefmt="pipe",
        colalign=["right" if r else "left" for r in right],
        disable_numparse=True,
    )
    return text.splitlines()


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "|": r"\textbar{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def latex_escape(text) -> str:
    """``text`` with LaTeX's special characters escaped for text mode."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def latex_cell(text: str) -> str:
    """A number cell: escaped, with true minus signs."""
    return latex_escape(text).replace("-", "$-$")


def latex_table(
    header: Sequence[str],
    blocks: Sequence[tuple[str | None, Sequence[Sequence[str]]]],
    align: str,
    comment: Sequence[str],
) -> str:
    """A booktabs tabular: ``header`` (already LaTeX), then each block's optional title row
    (already LaTeX) and its rows (plain text, escaped here; cells of right-aligned
    columns get true minus signs). ``comment`` lines go above it as LaTeX comments."""
    lines = [f"% {line}" for line in [*comment, "Needs \\usepackage{booktabs}."]]
    lines.append(f"\\begin{{tabular}}{{{align}}}")
    lines += ["\\toprule", " & ".join(header) + " \\\\"]
    for title, rows in blocks:
        lines.append("\\midrule")
        if title is not None:
            lines.append(f"\\multicolumn{{{len(align)}}}{{l}}{{{title}}} \\\\")
        for row in rows:
            pairs = zip(row, align, strict=True)
            cells = [latex_cell(c) if a == "r" else latex_escape(c) for c, a in pairs]
            lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"
