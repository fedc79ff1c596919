"""The benchmarks still run end to end on a tiny input, so they cannot rot unseen.

Not timed: they run each benchmark as its own process, the way it is used, and check
only that it finished and that its JSON line says what it did.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _last_json_line(*args: str, tmp_path: Path) -> dict:
    # The benchmarks make their own databases: never the suite's.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SEMINARIUM_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, str(BENCH / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (
            ("attendance.py", "--events", "1000"),
            lambda r: (r["results"][0]["stored"], r["results"][0]["replay_stored"]) == (1000, 0),
        ),
        (
            ("certificates.py", "--count", "2", "--processes", "1"),
            lambda r: r["certificates"] == 2 and r["mean_pdf_kb"] > 0,
        ),
    ],
    ids=["attendance", "certificates"],
)
def test_benchmark_runs_on_a_tiny_input(args, check, tmp_path):
    assert check(_last_json_line(*args, tmp_path=tmp_path))
