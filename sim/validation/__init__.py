"""Pattern-oriented validation of the model (Grimm et al. 2005): the patterns of
``docs/ODD.md`` and the stylized facts of the two cases (``docs/cases.md``), each as a check
with an evidence-based target.

``context`` holds targets, check results and the context that runs the model; ``patterns``
the checks; ``report`` runs them all and writes the report.

References
----------
Grimm, V. et al. (2005). Pattern-oriented modeling of agent-based complex systems: lessons
from ecology. *Science*, 310(5750), 987-991.
"""

from sim.validation.context import CheckResult, Context, Target
from sim.validation.patterns import CHECKS
from sim.validation.report import format_report, run_validation

__all__ = ["CHECKS", "CheckResult", "Context", "Target", "format_report", "run_validation"]
