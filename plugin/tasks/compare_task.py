"""Compare N scenarios in the background; the result names the comparison report."""
from __future__ import annotations

from pathlib import Path

from .engine_task import EngineTask


def compare_task(scenario_dirs: list[Path], out_dir: Path, lang: str = "en") -> EngineTask:
    """A task running the engine's scenario comparison; result ``{"report": path, ...}``."""
    dirs = [Path(d) for d in scenario_dirs]
    out = Path(out_dir)

    def work(progress):
        from ...engine.pipeline import compare_scenarios

        result = compare_scenarios(dirs, out, lang=lang, progress=progress)
        paths = {key: str(p) for key, p in getattr(result, "paths", result).items()}
        if "report" not in paths:
            raise RuntimeError(f"comparison wrote no report (outputs: {', '.join(paths) or 'none'})")
        return paths

    return EngineTask(f"GridGov: compare {len(dirs)} scenarios", work)
