"""``gridgov batch EXP.toml --out OUT``: sweeps × replications on Dask, resumable."""
from __future__ import annotations

NAME = "batch"
HELP = "run an experiment (parameter sweeps × replications) on Dask; Parquet results + CI summary"
DESCRIPTION = (
    "Run every run of an experiment file (docs/batch.md) on an embedded Dask LocalCluster, or on "
    "an existing cluster with --scheduler.  Each finished run is written atomically to "
    "OUT/runs/ (Parquet, partitioned by design point); rerunning the same command resumes a "
    "killed batch, skipping finished runs.  Finally OUT/summary.csv, summary.parquet, PNG plots "
    "and summary.html give mean and 95% confidence interval per design point and metric. Every scenario "
    "folder is validated first (--dry-run too).")


def add_arguments(parser) -> None:
    parser.add_argument("experiment", metavar="EXP.toml", help="experiment file")
    from ._options import add_out, scheduler_type, seconds_type, whole_number_type

    add_out(parser, "output folder (created; reused to resume)")
    parser.add_argument("--scheduler", metavar="ADDRESS", type=scheduler_type,
                        help="address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--workers", type=whole_number_type(0), metavar="N",
                        help="worker processes of the embedded cluster (default: CPU count; 0 = no Dask, "
                             "run in this process)")
    parser.add_argument("--runs-per-task", type=whole_number_type(1), metavar="K",
                        help="runs of one design point per Dask task (default: automatic, ≤ 32)")
    parser.add_argument("--connect-timeout", type=seconds_type, default=15.0, metavar="S",
                        help="seconds to wait for --scheduler to answer (default 15)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, print only errors and output paths")
    parser.add_argument("--no-summary", action="store_true", help="skip summary tables and plots")
    parser.add_argument("--dry-run", action="store_true", help="validate the file, print the plan and stop")


def run(args) -> int:
    from ..errors import UsageError
    from ._options import check_out_dir

    if args.scheduler and args.workers is not None:
        raise UsageError("--workers sizes the embedded cluster; it cannot be combined with --scheduler")
    check_out_dir(args.out)
    from ..workflows.batch import plan, run_experiment

    exp = plan(args.experiment)
    say = (lambda *a, **k: None) if args.quiet else print
    say(f"experiment '{exp.name}': {exp.n_points} design point(s) × {exp.replications} replication(s) "
        f"= {len(exp.runs)} runs; factors: {', '.join(exp.factor_names) or '(none)'}")
    for folder, keys in exp.districts.items():
        say(f"by district: {folder}: {len(keys)} district(s) ({', '.join(keys)}), each a task dimension")
    if args.dry_run:
        return 0
    res = run_experiment(exp, args.out, scheduler=args.scheduler, workers=args.workers,
                         runs_per_task=args.runs_per_task, connect_timeout_s=args.connect_timeout,
                         progress=not (args.no_progress or args.quiet), summary=not args.no_summary)
    say(f"{res.done} run(s) done, {res.skipped} already finished (resumed), "
        f"{res.elapsed_s:.1f} s ({res.runs_per_s:.2f} runs/s) → {res.out}")
    if res.summary:
        print("summary: " + ", ".join(str(p) for p in res.summary.values()))
    return 0
