"""`gridgov run` on the generated Chengdu-scale city: wall, CPU, peak memory and each stage's share.

Target (issue 15): the full city (``scripts/make_city.py --scale chengdu``: 14,000 general /
119,000 micro / 11,000 dedicated grids, 20.55 M residents) runs end to end, report included,
in ≤ 60 s wall and ≤ 4 GB peak on the 2-core reference machine.

    python benchmarks/bench_city.py                  # generate the Chengdu city (~1 min), run it
    python benchmarks/bench_city.py --city DIR       # reuse a generated city
    python benchmarks/bench_city.py --scale district # ~1 M residents (also --quick)

Peer, measured in the same run: the I/O floor of the same scenario, GDAL copying its
GeoPackage (``ogr2ogr``: every layer read and written once); the last line prints the ratio.
Every measured command runs in its own child process, wrapped by a fresh Python process that
reports ``RUSAGE_CHILDREN`` of that one child, so peak RSS and CPU seconds are the command's own.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WALL_TARGET_S, RSS_TARGET_MB = 60.0, 4096.0
#: runs one command and prints its own rusage (the wrapper has no other child)
_WRAP = ("import json, resource, subprocess, sys, time\n"
         "t = time.perf_counter()\n"
         "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)\n"
         "wall = time.perf_counter() - t\n"
         "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
         "sys.stdout.write(p.stdout)\n"
         "print('@rusage ' + json.dumps({'rc': p.returncode, 'wall': wall, 'cpu': r.ru_utime + r.ru_stime,"
         " 'rss_mb': r.ru_maxrss / 1024.0}))\n")
STAGE_LINE = re.compile(r"^\s+(load|network|circles|simulation|scores|report|writing)\s+([\d.]+)\s+([\d.]+)%")


def measured(cmd: list[str], label: str) -> tuple[dict, str]:
    """Run ``cmd`` in a child; returns ({rc, wall, cpu, rss_mb, load}, its output)."""
    p = subprocess.run([sys.executable, "-c", _WRAP, *cmd], stdout=subprocess.PIPE, text=True)
    out, _, tail = p.stdout.rpartition("@rusage ")
    stats = json.loads(tail)
    stats["load"] = os.getloadavg()[0]
    print(f"{label}: {stats['wall']:.1f} s wall, {stats['cpu']:.1f} CPU s, peak {stats['rss_mb']:.0f} MB, "
          f"load average {stats['load']:.1f}, exit {stats['rc']}", flush=True)
    if stats["rc"]:
        print(out[-3000:], file=sys.stderr)
    return stats, out


def pdf_pages(path: Path) -> int:
    """Pages of a PDF written by matplotlib (page objects are plain dictionaries)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes())) if path.exists() else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="chengdu", help="chengdu (default), district or N residents")
    ap.add_argument("--city", help="a city generated before (scripts/make_city.py --out DIR): not regenerated")
    ap.add_argument("--quick", action="store_true", help="the district-size city (~1 M residents)")
    ap.add_argument("--keep", help="write the run's outputs here (default: a temporary folder)")
    ap.add_argument("run_args", nargs="*", help="extra arguments for gridgov run (after --)")
    args = ap.parse_args(argv)
    scale = "district" if args.quick else args.scale
    with tempfile.TemporaryDirectory(prefix="bench_city.") as tmp:
        tmp = Path(tmp)
        city = Path(args.city) if args.city else tmp / f"city_{scale}"
        if not args.city:
            gen, _ = measured([sys.executable, str(ROOT / "scripts" / "make_city.py"), "--scale", scale,
                               "--out", str(city)], f"make_city --scale {scale}")
            if gen["rc"]:
                return 1
        meta = (city / "scenario.toml").read_text(encoding="utf-8")
        desc = re.search(r'^description = "(.*)"', meta, re.M)
        named = re.search(r'^name = "city_(\w+)"', meta, re.M)     # the scale the city was generated at
        scale = named.group(1) if args.city and named else scale
        print(f"city: {city} ({desc.group(1) if desc else '?'})")
        peer, _ = measured(["ogr2ogr", "-f", "GPKG", str(tmp / "copy.gpkg"), str(city / "layers.gpkg")],
                           "peer ogr2ogr copy of layers.gpkg")
        out = Path(args.keep) if args.keep else tmp / "run"
        run, text = measured([sys.executable, "-m", "gridgov", "run", str(city), "--out", str(out), *args.run_args],
                             "gridgov run")
        if run["rc"]:
            return 1
        stages = [(m.group(1), float(m.group(2)), float(m.group(3))) for m in map(STAGE_LINE.match, text.splitlines())
                  if m]
        print("stage        seconds   share")
        for name, sec, share in stages:
            print(f"  {name:<11} {sec:7.2f}  {share:5.1f}%")
        overlap = [line.strip() for line in text.splitlines() if line.strip().startswith("stages overlap")]
        print(*(overlap or ["stages ran one after another"]))    # shares are of the run's wall time
        scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
        html, pdf = out / "report.html", out / "report.pdf"
        print(f"report.html {html.stat().st_size / 1e6:.2f} MB, report.pdf {pdf_pages(pdf)} pages "
              f"({pdf.stat().st_size / 1e6:.2f} MB)" if pdf.exists() else
              f"report.html {html.stat().st_size / 1e6:.2f} MB, no PDF")
        print(f"results.gpkg {(out / 'results.gpkg').stat().st_size / 1e6:.1f} MB, scores.json "
              f"{(out / 'scores.json').stat().st_size / 1e6:.1f} MB; total score {scores.get('total')}")
        ok = run["wall"] <= WALL_TARGET_S and run["rss_mb"] <= RSS_TARGET_MB
        target = (f"target ≤ {WALL_TARGET_S:.0f} s and ≤ {RSS_TARGET_MB:.0f} MB: {'met' if ok else 'NOT met'}"
                  if scale == "chengdu" else "the target is for --scale chengdu")
        print(f"gridgov run: {run['wall']:.1f} s wall, {run['cpu']:.1f} CPU s, peak {run['rss_mb']:.0f} MB ({target})")
        print(f"ratio run / ogr2ogr copy: {run['wall'] / peer['wall']:.1f}x wall, "
              f"{run['cpu'] / max(peer['cpu'], 1e-9):.1f}x CPU")
        return 0 if ok or scale != "chengdu" else 1


if __name__ == "__main__":
    sys.exit(main())
