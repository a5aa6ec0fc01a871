"""The contract check (``osiris-run check``, the ``assert_driver_contract``
fixture): run drivers under observation and report every breach of the driver
contract that shows at run time, with the codes of ``contract-rules.md``."""

from .driver_check import check_driver
from .model import CheckReport, DriverReport, Finding, RuleResult
from .project_check import check_drivers, find_check_file, find_components
from .scenario import Scenario, ScenarioError, load_scenarios
from .subject import DriverUnderCheck

__all__ = ["CheckReport", "DriverReport", "DriverUnderCheck", "Finding", "RuleResult", "Scenario",
           "ScenarioError", "check_driver", "check_drivers", "find_check_file", "find_components",
           "load_scenarios"]
