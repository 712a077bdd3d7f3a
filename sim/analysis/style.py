"""How each condition is drawn, the same in every figure: colour, line style, marker, hatch.

Chosen by the condition's ``point``, so the figures read the same in colour and in black
and white. The colours are the colour-blind-safe palette of Okabe & Ito (2008). A module of
its own, importing nothing of the project, so every figure module can use it.

References
----------
Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from dataclasses import dataclass

# Okabe & Ito (2008), black before yellow; the cycles have coprime lengths (8, 7, 9), so
# colour, line style and marker together stay distinct far beyond eight conditions.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
LINESTYLES = ("-", "--", "-.", ":", (0, (6, 1.5, 1, 1.5, 1, 1.5)), (0, (1, 3)), (0, (9, 3)))
MARKERS = ("o", "s", "^", "p", "v", "P", "X", "*", "h")  # "D" is kept for the mean
HATCHES = ("", "///", "\\\\\\", "xxx", "...", "+++", "---", "ooo")


@dataclass(frozen=True)
class Style:
    """How one condition is drawn in every figure."""

    color: str
    linestyle: str | tuple
    marker: str
    hatch: str


def condition_style(point: int) -> Style:
    """The style of the condition with this ``point`` (the same in every figure)."""
    i = int(point)
    return Style(
        COLOURS[i % len(COLOURS)],
        LINESTYLES[i % len(LINESTYLES)],
        MARKERS[i % len(MARKERS)],
        HATCHES[i % len(HATCHES)],
    )
