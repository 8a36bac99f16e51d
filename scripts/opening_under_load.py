"""Run tests/integration/test_opening.py for many rounds while both cores are kept busy.

    python scripts/opening_under_load.py [ROUNDS]    # 200 by default

Starts one busy process per core (a tight Python loop), runs the opening test with
``LEDGER_OPENING_ROUNDS=ROUNDS`` and stops at the first failure, then stops the busy processes.
Exits with pytest's status.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys


def busy() -> None:
    while True:
        sum(i * i for i in range(10_000))


def main() -> int:
    rounds = sys.argv[1] if len(sys.argv) > 1 else "200"
    burners = [
        multiprocessing.Process(target=busy, daemon=True) for _ in range(os.cpu_count() or 2)
    ]
    for burner in burners:
        burner.start()
    try:
        return subprocess.call(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-x",
                "-p",
                "no:cacheprovider",
                "tests/integration/test_opening.py",
            ],
            env={**os.environ, "CI": "true", "LEDGER_OPENING_ROUNDS": rounds},
        )
    finally:
        for burner in burners:
            burner.kill()
            burner.join()


if __name__ == "__main__":
    sys.exit(main())
