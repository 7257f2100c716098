"""The ``validate`` use case: every problem of a scenario folder, for every front end.

``validate(path)`` runs the scenario stage's checks (files, parameters, layers, fields,
geometries, linking) and then, on a scenario that loads, a dry run of every check the later
stages make before they compute (life-circle and travel values, simulation options, workflow
and staffing, demand, the worker layout, score weights).  ``run`` therefore never finds a
problem that ``validate`` passed.  The CLI, the Processing algorithm and the dock all call it
and list the same problems in the same order.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import GridGovError, Problem, ValidationError
from ..scenario.load import TOML_NAME, check_scenario, summary
from ..scenario.model import Scenario

PROBLEM_FIELDS = ("severity", "file", "layer", "fid", "field", "message")


@dataclass(frozen=True)
class Validation:
    """Result of ``validate``: the scenario (None when there is any error) and every problem."""

    folder: Path
    scenario: Scenario | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def document(self) -> dict[str, Any]:
        """The ``gridgov validate --json`` document."""
        doc: dict[str, Any] = {"ok": self.ok}
        if self.scenario is None:
            doc["errors"] = len(self.errors)
        else:
            doc["summary"] = summary(self.scenario)
        doc["problems"] = [problem_dict(p) for p in self.problems]
        return doc


def problem_dict(p: Problem) -> dict[str, Any]:
    return {"severity": p.severity, "file": p.file, "layer": p.layer, "fid": p.fid, "field": p.field,
            "message": p.message}


def validate(path: str | os.PathLike, overrides: dict[str, Any] | None = None) -> Validation:
    """Every problem of a scenario folder (errors and warnings); see the module docstring."""
    scenario, problems = check_scenario(path, overrides)
    folder = Path(path)
    if scenario is not None:
        folder = scenario.path
        staged = stage_problems(scenario)
        problems = problems + staged
        if any(p.severity == "error" for p in staged):
            scenario = None
    return Validation(folder, scenario, problems)


def stage_problems(scenario: Scenario) -> list[Problem]:
    """What the stages after loading would reject, found without computing them."""
    toml = str(scenario.path / TOML_NAME)
    found: list[Problem] = []
    for check in _STAGE_CHECKS:
        try:
            check(scenario)
        except ValidationError as exc:
            found += exc.problems
        except GridGovError as exc:
            found.append(Problem(str(exc), toml))
    # the stages name "scenario.toml" bare: this scenario's own file is meant
    return [dataclasses.replace(p, file=toml) if p.file == TOML_NAME else p for p in found]


def _circles(scenario: Scenario) -> None:
    from ..circles import check_circle_params

    problems = check_circle_params(scenario.params)
    if problems:
        raise ValidationError(problems)


def _simulation(scenario: Scenario) -> None:
    from ..simulation.run import _options, check_model_params, check_workflow_params

    _options(scenario, None, None, None)
    check_workflow_params(scenario.params)
    errors, warnings = check_model_params(scenario)
    if errors or warnings:
        raise ValidationError(errors + warnings)


def _demand(scenario: Scenario) -> None:
    from ..demand import build_demand

    history = scenario.incidents if scenario.params["demand"].get("fit_history", True) else None
    build_demand(scenario.params, scenario.units.residents, history=history)


def _layout(scenario: Scenario) -> None:
    from ..simulation.setup import build_layout

    build_layout(scenario, "straight_line")   # its checks, without the road network's trip times


def _weights(scenario: Scenario) -> None:
    from ..score.scorer import normalised_weights

    normalised_weights(scenario.params)


_STAGE_CHECKS: tuple[Callable[[Scenario], None], ...] = (_circles, _simulation, _demand, _layout, _weights)


def problems_csv(problems: list[Problem]) -> str:
    """The problem table as CSV text (Processing's problem output)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(PROBLEM_FIELDS)
    for p in problems:
        writer.writerow([p.severity, p.file, p.layer, "" if p.fid is None else p.fid, p.field, p.message])
    return buf.getvalue()


def write_problems_csv(path: str | os.PathLike, problems: list[Problem]) -> Path:
    from ..atomic import write_text

    return write_text(path, problems_csv(problems))
