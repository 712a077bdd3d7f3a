"""Pattern-oriented validation of the model (Grimm et al. 2005): the patterns of MODEL.md
and the stylized facts of the two cases, each as a check with an evidence-based target."""

from sim.validation.patterns import CHECKS
from sim.validation.runner import (
    DEFAULT_ROOT_SEED,
    CheckResult,
    Context,
    Target,
    format_report,
    mean_ci,
    run_seed,
    run_validation,
)

__all__ = [
    "CHECKS",
    "DEFAULT_ROOT_SEED",
    "CheckResult",
    "Context",
    "Target",
    "format_report",
    "mean_ci",
    "run_seed",
    "run_validation",
]
