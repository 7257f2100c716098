"""Which Python packages the engine needs, and the exact command that installs them.

QGIS ships its own Python; users rarely have numba or simpy in it.  The plugin must still
load, say what is missing and how to install it (one copy-and-paste command), and never
show a traceback.  The pins mirror ``scripts/requirements.txt`` (a test keeps them equal).
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass

# import name -> pip requirement, for what a scenario run needs.
REQUIRED: dict[str, str] = {
    "numba": "numba==0.68.1",
    "simpy": "simpy==4.1.2",
    "networkx": "networkx==3.6.1",
    "scipy": "scipy==1.15.3",
    "shapely": "shapely==2.1.2",
    "jinja2": "jinja2==3.1.6",
    "matplotlib": "matplotlib==3.10.7",
    "pandas": "pandas==2.2.3",        # per-grid response quantiles of every simulation
    "tomli_w": "tomli-w==1.2.0",      # saving an edited scenario (scenario.toml)
}
# Needed only by batch experiments and incident logs (not by a run from the dock).
OPTIONAL: dict[str, str] = {
    "pyarrow": "pyarrow==21.0.0",
    "dask": "dask[distributed]==2025.7.0",
}


@dataclass(frozen=True)
class DependencyReport:
    missing: tuple[str, ...]            # pip requirements of missing required packages
    missing_optional: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing

    def install_command(self, include_optional: bool = False) -> str:
        return install_command(self.missing + (self.missing_optional if include_optional else ()))

    def message(self) -> str:
        """One line for the message bar: what is missing and the command to run."""
        names = ", ".join(r.split("==")[0] for r in self.missing)
        from qgis.PyQt.QtCore import QCoreApplication

        return QCoreApplication.translate(
            "GridGovDeps", "GridGov needs Python packages that QGIS's Python lacks ({0}). "
            "Install them with: {1}  — then restart QGIS.").format(names, self.install_command())


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def check(required: dict[str, str] | None = None, optional: dict[str, str] | None = None) -> DependencyReport:
    """Look the packages up without importing them (importing numba at QGIS start is slow)."""
    required = REQUIRED if required is None else required
    optional = OPTIONAL if optional is None else optional
    return DependencyReport(
        missing=tuple(req for mod, req in required.items() if not _present(mod)),
        missing_optional=tuple(req for mod, req in optional.items() if not _present(mod)),
    )


def requirement_for(module_name: str) -> str | None:
    """The pip requirement providing an import name (``exc.name`` of a ModuleNotFoundError)."""
    top = (module_name or "").split(".")[0]
    return REQUIRED.get(top) or OPTIONAL.get(top)


def install_command(requirements: tuple[str, ...] | list[str]) -> str:
    """The pip command for QGIS's Python, holding numpy at the installed version.

    Pinning numpy matters: numba would otherwise pull numpy 2, which breaks GDAL and QGIS.
    """
    reqs = list(requirements)
    try:
        import numpy

        reqs.append(f"numpy=={numpy.__version__}")
    except ImportError:  # pragma: no cover - QGIS always has numpy
        pass
    quoted = " ".join(f'"{r}"' if "[" in r else r for r in reqs)
    if sys.platform.startswith("win"):
        return f"python -m pip install --user {quoted}   (in the OSGeo4W Shell)"
    flag = " --break-system-packages" if externally_managed() else ""
    return f"python3 -m pip install --user{flag} {quoted}"


def externally_managed() -> bool:
    """True for a distribution Python that refuses plain ``pip install --user`` (PEP 668, e.g.
    Debian 12's, which QGIS uses); a --user install next to it is what QGIS can see."""
    import sysconfig

    if sys.prefix != sys.base_prefix:   # a virtual environment ignores the marker
        return False
    return os.path.exists(os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED"))


def isolate_native_libraries() -> str:
    """Import shapely so that it uses its own GEOS, not the one QGIS has loaded; "" if fine.

    The QGIS executable links the system GEOS into the global symbol scope, so a pip
    shapely's extension would resolve GEOS symbols there: GEOS 3.11 functions called with
    shapely 2.1's (GEOS 3.13) expectations give wrong geometries and errors such as
    "WKT output dimension must be 2 or 3" (found by the desktop smoke test; headless pytest
    does not show it because Python loads qgis._core with local symbols).  RTLD_DEEPBIND
    makes the extension prefer its bundled GEOS.  Returns a message when the check fails.
    """
    if importlib.util.find_spec("shapely") is None:
        return ""   # reported by check()
    flags = getattr(os, "RTLD_DEEPBIND", None)
    if flags is not None and "shapely" not in sys.modules:
        import numpy  # noqa: F401  (loaded normally first: deep binding is for shapely's GEOS only)

        old = sys.getdlopenflags()
        sys.setdlopenflags(old | flags)
        try:
            importlib.import_module("shapely")
        finally:
            sys.setdlopenflags(old)
    return geos_self_test()


def geos_self_test() -> str:
    """"" when shapely computes correctly in this process, else the explanation."""
    try:
        import shapely
        import shapely.ops

        line = shapely.LineString([(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)])
        ok = (shapely.to_wkt(line.interpolate(5.0), rounding_precision=3) == "POINT (5 0)"
              and shapely.get_num_coordinates(shapely.ops.substring(line, 2.0, 15.0)) == 3)
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    else:
        detail = "wrong results"
    if ok:
        return ""
    from qgis.PyQt.QtCore import QCoreApplication

    return QCoreApplication.translate(
        "GridGovDeps", "shapely does not work inside this QGIS (it was loaded against QGIS's own GEOS library, "
        "{0}). Restart QGIS; if another plugin imports shapely first, disable it or install "
        "a shapely built for your system GEOS (pip install --no-binary shapely shapely).").format(detail)
