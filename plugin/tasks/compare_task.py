"""Compare N scenarios in the background; the result names the comparison report."""
from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication

from .engine_task import EngineTask


def compare_task(scenario_dirs: list[Path], out_dir: Path, lang: str = "en") -> EngineTask:
    """A task running ``engine.workflows.compare.compare_scenarios`` (scenario folders or run outputs);
    result ``{"report": html, "table": csv, "json": ...}``."""
    dirs = [Path(d) for d in scenario_dirs]
    out = Path(out_dir)

    def work(progress):
        from ...engine.workflows.compare import compare_scenarios

        result = compare_scenarios(dirs, out, lang, pdf=False, progress=progress)
        paths = {key: str(p) for key, p in result.paths.items()}
        if "report" not in paths:
            raise RuntimeError(f"comparison wrote no report (outputs: {', '.join(paths) or 'none'})")
        return paths

    return EngineTask(QCoreApplication.translate("EngineTask", "GridGov: compare {0} scenarios").format(len(dirs)), work)
