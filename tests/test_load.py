"""The load script in its short mode: gunicorn (and PostgreSQL in the PostgreSQL pass), several
phones capturing and syncing at once, no error and no lost write. Full runs: bench/load.py."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_short_load_run_loses_nothing() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--devices", "6", "--seconds", "4"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    report = json.loads(result.stdout)
    assert report["error_count"] == 0, report["errors"]
    assert report["lost_writes"] == 0
    assert report["acknowledged_captures"] > 0
    assert result.returncode == 0
