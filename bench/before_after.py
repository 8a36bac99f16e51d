"""Recording before and after a change: ``bench/append.py`` of another commit and of this
checkout, run in turns on the same machine in one run.

    python bench/before_after.py REVISION [--runs N] [--database sqlite|postgres|both]
                                          [--events N] [--import-lines N]

REVISION is checked out in a temporary git worktree (removed at the end) and its own
``bench/append.py`` runs there, on its own code, with this virtualenv's packages (so its
dependencies must be among this checkout's). Runs alternate, REVISION first: ``--runs`` of
each, each on a fresh database. Printed per database: single commands per second (b) and lines
per second of a first import (c) in every run, each side's median, and the change, after over
before, against the target that recording stays within 10 % of what it was (issue 11, "Cost").
Each run's own bare library is printed too: a run whose bare rate moved a lot ran on a machine
that changed meanwhile; and the commands' rate over it, run by run, whose medians are steadier
on such a machine (the two are timed in alternating rounds).

The exit status is 0 whatever the figures: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import load_average

ROOT = Path(__file__).resolve().parents[1]
MEASURES = {
    "a. bare library, 1 event/transaction": "bare library",
    "b. service record, 1 event/command": "single commands",
    "c. import, first time": "import, first time",
}
TARGET = 0.10  # recording at most 10 % slower


def run_append(tree: Path, database: str, args: argparse.Namespace) -> dict[str, float]:
    """One run of ``tree``'s bench/append.py: the rate of each measure."""
    command = [
        sys.executable, str(tree / "bench" / "append.py"), "--database", database,
        "--events", str(args.events), "--import-lines", str(args.import_lines),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=True)
    rates = {}
    for line in out.stdout.splitlines():
        cells = [cell for cell in line.split("  ") if cell.strip()]
        if len(cells) >= 5 and cells[1].strip() in MEASURES:
            rates[MEASURES[cells[1].strip()]] = float(cells[4].strip().replace(",", ""))
    if len(rates) != len(MEASURES):
        raise RuntimeError(f"unexpected output of {tree}/bench/append.py:\n{out.stdout}")
    return rates


def compare(before: Path, database: str, args: argparse.Namespace) -> None:
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for n in range(args.runs):
        for side, tree in (("before", before), ("after", ROOT)):
            runs[side].append(run_append(tree, database, args))
            print(f"  {database} run {n + 1} {side:<6} " + ", ".join(
                f"{measure} {rate:,.0f}/s" for measure, rate in runs[side][-1].items()
            ), flush=True)  # fmt: skip
    for measure in ("single commands", "import, first time"):
        was = statistics.median(run[measure] for run in runs["before"])
        now = statistics.median(run[measure] for run in runs["after"])
        change = now / was - 1
        verdict = "PASS" if change >= -TARGET else "MISS"
        print(
            f"{database}: {measure:<19} before {was:>8,.0f}/s  after {now:>8,.0f}/s"
            f"  change {change:+.1%} (target >= -{TARGET:.0%}) {verdict}"
        )
    # The same commands over the bare library of their own run (append.py times the two in
    # alternating rounds): a machine whose speed drifts between runs moves both alike.
    was, now = (
        statistics.median(run["single commands"] / run["bare library"] for run in runs[side])
        for side in ("before", "after")
    )
    print(
        f"{database}: single commands / bare library of the same run: before {was:.3f}"
        f"  after {now:.3f}  change {now / was - 1:+.1%}"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("revision", help="the commit to compare with, e.g. b78691b")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--import-lines", type=int, default=100_000)
    return parser.parse_args()


def main() -> int:
    args = arguments()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(f"load average at the start: {load_average()}")
    with tempfile.TemporaryDirectory() as parent:
        before = Path(parent) / "before"
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", "-q", str(before), args.revision],
                       check=True)  # fmt: skip
        try:
            for database in databases:
                compare(before, database, args)
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(before)], check=False)
    print(f"load average at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
