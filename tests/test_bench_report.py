"""The benchmark's report: a budget that misses says NO and why; one that holds says yes."""

import copy
import json
from pathlib import Path

from bench.run import BUDGETS, MISSES, passes, write_report

RESULTS = json.loads((Path(__file__).resolve().parent.parent / "bench" / "results.json").read_text())


def test_every_budget_has_an_explanation_ready_for_a_miss() -> None:
    budgeted = {key for key, (_, budget, _) in BUDGETS.items() if budget is not None}
    assert budgeted == set(MISSES)


def test_a_miss_is_marked_and_explained() -> None:
    results = copy.deepcopy(RESULTS)
    results["search_keystroke_ms"]["p95"] = 99.0
    results["shell"]["gzip_kb"] = 41.0
    report = write_report(results)
    assert not passes("search_keystroke_ms", results)
    row = next(line for line in report.splitlines() if line.startswith("| Search 5,000"))
    assert row.endswith("| NO |")
    assert "### Why a budget misses" in report
    assert MISSES["search_keystroke_ms"] in report
    assert MISSES["shell_gzip_kb"] in report
    assert MISSES["first_pull_ms"] not in report


def test_cold_start_is_judged_on_its_median() -> None:
    results = copy.deepcopy(RESULTS)
    results["cold_start_ms"].update(median=450.0, p95=900.0)
    assert passes("cold_start_ms", results)
    results["cold_start_ms"].update(median=501.0, p95=501.0)
    assert not passes("cold_start_ms", results)


def test_the_report_names_the_machine_and_every_server_figure() -> None:
    report = write_report(RESULTS)
    assert RESULTS["machine"] in report
    for database, measured in RESULTS["throughput"].items():
        assert f"**{database}**" in report
        assert len(measured["rows"]) == 6  # push and pull at 1, 4 and 16 clients
    growth_rows = [line for line in report.splitlines() if line.startswith(("| SQLite", "| PostgreSQL"))]
    assert len(growth_rows) == sum(len(rows) for rows in RESULTS["growth"].values())
