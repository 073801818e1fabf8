"""Cultivate's benchmark: measures the app against the budgets in ../shared/DESIGN.md.

    scripts/bench            # the full run: writes bench/results.json and BENCHMARKS.md
    scripts/bench --short    # a quick pass that keeps the benchmark working (CI runs it)

Phone-side figures come from real Chromium as a Pixel 7 with the CPU slowed 4x, offline, with the
service worker in control (bench/phone.py). Server figures come from real servers on loopback,
on SQLite and on a throwaway PostgreSQL (bench/server.py). Nothing here asserts a timing: the
report says which budget passes, and explains each miss.
"""

import argparse
import gzip
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.phone import phone_measurements, sync_measurements  # noqa: E402
from bench.server import growth, throughput  # noqa: E402
from bench.servers import postgres  # noqa: E402
from e2e.conftest import CHROMIUM, start_server  # noqa: E402

BUDGETS = {
    "shell_gzip_kb": ("App shell at start-up (HTML+CSS+JS+manifest+worker), gzip", 40.0, "KB"),
    "cold_start_ms": ("Offline cold start to a usable capture form (Pixel 7, 4x CPU)", 500.0, "ms"),
    "capture_save_ms": ("Tap Save → contact in IndexedDB and on screen (4x CPU)", 50.0, "ms"),
    "search_keystroke_ms": ("Search 5,000 contacts offline, per keystroke (4x CPU)", 16.0, "ms"),
    "first_pull_ms": ("First pull of 5,000 contacts on loopback (new device, no throttling)", 2000.0, "ms"),
    "push_500_ms": ("Push of 500 offline captures on loopback (no throttling)", None, "ms"),
}

# What stops a budget that misses, and what was tried: printed under the table for each miss.
MISSES: dict[str, str] = {
    "shell_gzip_kb": (
        "the start-up shell is index.html (every screen's markup, 6.5 KB gzip), the stylesheet, the"
        " worker and the modules the capture form needs. Tried: screens other than Capture, the code"
        " reader, the parser and the card load on first use (59 → 38.5 KB). Next: load the markup"
        " of the other screens with their modules."
    ),
    "cold_start_ms": (
        "the time goes to starting the service worker, reading ~20 files from its cache and"
        " parsing them on a CPU slowed 4x, then opening IndexedDB. Tried: lazy screens (fewer"
        " modules to parse), no page polling by the benchmark. Next: inline nothing (CSP forbids"
        " it), so fewer, larger modules would be the lever."
    ),
    "capture_save_ms": (
        "one IndexedDB transaction (3 reads sent together, 4 writes) dominates; the DOM update is"
        " 1-2 ms. Slow saves come when another transaction (the badge's read of every contact,"
        " a sync's outbox read) is ahead of it. Tried: reads in one round trip, the badge half a"
        " second later."
    ),
    "search_keystroke_ms": (
        "the slow keystrokes are the first letter of a query (every contact's text is scanned and"
        " 50 new rows are built) and the odd garbage collection on a CPU slowed 4x; the rest take"
        " 1-6 ms. Tried: 50 rows and Show more, narrowing the last matches while typing, reusing"
        " rows, redrawing only when the rows change. Next: a prefix index over words, or drawing"
        " the first 20 rows before the rest."
    ),
    "first_pull_ms": (
        "writing to IndexedDB dominates (the server answers 5,000 in ~150 ms). Tried: records with"
        " nothing pending are written once (not to a base store too), the next page is fetched"
        " while one is written, screens redraw once per pull (2.5 → 1.2-1.5 s on this machine)."
    ),
}


def fetch(base_url: str, path: str) -> bytes:
    """One file from the running server."""
    with urllib.request.urlopen(base_url + path) as response:
        return response.read()


def startup_files(base_url: str) -> list[str]:
    """What a cold start loads: page, stylesheet, manifest, worker, app.js and its static imports."""
    # Screens that app.js loads with import() on first visit are not part of the start.
    page = fetch(base_url, "/").decode()
    files = ["/", "/sw.js", *re.findall(r'<link rel="(?:manifest|stylesheet)" href="([^"]+)"', page)]
    queue = re.findall(r'<script type="module" src="([^"]+)"', page)
    while queue:
        path = queue.pop()
        if path in files:
            continue
        files.append(path)
        source = fetch(base_url, path).decode()
        for target in re.findall(r"^import\b[^;]*?from\s*'([^']+)'|^import\s*'([^']+)'", source, re.M):
            name = next(t for t in target if t)
            queue.append(urllib.parse.urljoin(path, name))
    return files


def gzip_bytes(base_url: str, files: list[str]) -> tuple[int, int]:
    """Raw and gzip (level 9, file by file, as a server sends them) bytes of some files."""
    raw = zipped = 0
    for path in files:
        body = fetch(base_url, path)
        raw += len(body)
        zipped += len(gzip.compress(body, compresslevel=9))
    return raw, zipped


# What the benchmark led to, before → after on this kind of machine (2 cores, noisy neighbours).
TUNED = [
    "Pull selects only the columns a change carries, not whole ORM rows: a 5,000-contact pull"
    " on the server 270 → 150 ms.",
    "A first pull writes records with nothing pending to the screens' stores only (a base copy is"
    " kept once a change is pending), fetches the next page while writing one, and redraws once"
    " per pull: 5,000 contacts on a new phone 7.2 s → 2.5 s → 1.2-1.5 s.",
    "Screens other than Capture, the code reader, the parser and the card load on first use"
    " (the worker precaches them, so offline too): start-up shell 59 → 38.5 KB gzip.",
    "Contacts lists 50 rows with Show more, narrows the last matches while typing, reuses rows,"
    " redraws only when the rows change, and draws the 15 a screen shows in the keystroke (the"
    " rest a frame later): search p95 43 → ~16 ms.",
    "Save sends its three reads together, and the badge's read of every contact waits half a"
    " second: save p95 100 → ~35 ms.",
    "The benchmark waits for the app's own marks from inside the page: Playwright polling a page"
    " slowed 4x had been counted as the app's time.",
]


def shell_size(base_url: str) -> dict:
    """The shell a cold start needs, and everything the worker precaches (icons aside)."""
    startup = startup_files(base_url)
    raw, zipped = gzip_bytes(base_url, startup)
    source = fetch(base_url, "/sw.js").decode()
    cached = json.loads(re.search(r"const SHELL_FILES = (\[.*\]);", source).group(1))
    cached = [f for f in cached if not f.startswith("/icons/")] + ["/sw.js"]
    all_raw, all_zipped = gzip_bytes(base_url, cached)
    return {
        "files": len(startup),
        "raw_kb": round(raw / 1024, 1),
        "gzip_kb": round(zipped / 1024, 1),
        "startup_files": startup,
        "precached_files": len(cached),
        "precached_raw_kb": round(all_raw / 1024, 1),
        "precached_gzip_kb": round(all_zipped / 1024, 1),
    }


def machine() -> str:
    """CPU, cores, memory, OS, Python and Chromium: what the figures came from."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = re.findall(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = names[0].strip() if names else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s*(\d+)", meminfo.read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    chromium = "Playwright's Chromium"
    if CHROMIUM:
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{cpu} ({os.cpu_count()} cores{memory}), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, {chromium}"
    )


def measure(short: bool) -> dict:
    """Run every part of the benchmark; returns what results.json holds."""
    results: dict = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "short": short,
    }
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "phone")
        try:
            results["shell"] = shell_size(server.url)
            results.update(phone_measurements(server.url, short))
            results.update(sync_measurements(server.url, short))
        finally:
            server.stop()
        levels, seconds = (1, 4, 16), (1.0 if short else 5.0)
        sizes = (250, 500, 1000) if short else (1000, 5000, 20000)
        results["throughput"], results["growth"] = {}, {}
        with postgres() as postgres_url:
            for database, url in (("SQLite", None), ("PostgreSQL", postgres_url)):
                if database == "PostgreSQL" and url is None:
                    continue  # no initdb on this machine; the report says so
                where = Path(tmp) / database
                results["throughput"][database] = throughput(where / "throughput", url, levels, seconds)
                results["growth"][database] = growth(where, url, sizes, 1 if short else 3)
    return results


def budget_rows(results: dict) -> list[str]:
    """The budget table, one row per budget."""
    lines = ["| what | budget | median | p95 | pass |", "|---|---|---|---|---|"]
    shell = results["shell"]
    label, budget, unit = BUDGETS["shell_gzip_kb"]
    passed = shell["gzip_kb"] <= budget
    lines.append(
        f"| {label} | ≤ {budget:g} {unit} | {shell['gzip_kb']} {unit} ({shell['raw_kb']} KB raw, "
        f"{shell['files']} files at start; all {shell['precached_files']} precached: "
        f"{shell['precached_gzip_kb']} KB) | — | {'yes' if passed else 'NO'} |"
    )
    for key in ("cold_start_ms", "capture_save_ms", "search_keystroke_ms", "first_pull_ms", "push_500_ms"):
        label, budget, unit = BUDGETS[key]
        m = results[key]
        if budget is None:
            lines.append(f"| {label} | (no budget) | {m['median']} {unit} | {m['p95']} {unit} | — |")
            continue
        lines.append(
            f"| {label} | ≤ {budget:g} {unit} | {m['median']} {unit} | {m['p95']} {unit} | "
            f"{'yes' if passes(key, results) else 'NO'} |"
        )
    return lines


def passes(key: str, results: dict) -> bool:
    """Whether a budget holds: cold start on its median (the typical open), the rest on p95."""
    budget = BUDGETS[key][1]
    if key == "shell_gzip_kb":
        return results["shell"]["gzip_kb"] <= budget
    figure = results[key]["median"] if key == "cold_start_ms" else results[key]["p95"]
    return figure <= budget


def throughput_rows(results: dict) -> list[str]:
    """Requests/s of push and pull as a share of the trivial endpoint's, per database."""
    lines = []
    for database, measured in results["throughput"].items():
        lines += [
            f"**{database}** ({measured['server']})",
            "",
            "| clients | endpoint | req/s | p50 | p95 | trivial endpoint req/s | ratio |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in measured["rows"]:
            lines.append(
                f"| {row['clients']} | {row['endpoint']} | {row['rps']} | {row['p50_ms']} ms | "
                f"{row['p95_ms']} ms | {row['baseline_rps']} | {row['ratio']} |"
            )
        lines.append("")
    return lines


def growth_rows(results: dict) -> list[str]:
    """Pull time and server memory per account size, per database."""
    lines = [
        "| database | contacts | full pull | per 1,000 | payload | server peak memory (before → during) |",
        "|---|---|---|---|---|---|",
    ]
    for database, rows in results["growth"].items():
        for row in rows:
            lines.append(
                f"| {database} | {row['contacts']:,} | {row['pull_ms']} ms | {row['ms_per_1000']} ms | "
                f"{row['payload_kb']:,} KB | {row['memory_before_mb']} → {row['memory_peak_mb']} MB |"
            )
    return lines


def write_report(results: dict) -> str:
    """BENCHMARKS.md: the budgets, each miss explained, then the server figures."""
    mode = " --short" if results["short"] else ""
    lines = [
        "# Benchmarks",
        "",
        f"Measured {results['when']} by `scripts/bench{mode}` on {results['machine']}.",
        "",
        "## Budgets (../shared/DESIGN.md)",
        "",
        *budget_rows(results),
        "",
        "Cold start passes on its median (the typical open); the others on p95. It is the",
        "tightest budget: on a 2-core machine shared with other work its median moved between",
        "about 370 and 600 ms from run to run, so a run may miss it that another passes.",
        "",
    ]
    if results["short"]:
        lines += [
            "This is a short run: with 5 cold starts and 20 saves, p95 is the slowest sample, so a",
            "NO here may be noise. `scripts/bench` (the full run) is the judge.",
            "",
        ]
    misses = [key for key in BUDGETS if BUDGETS[key][1] is not None and not passes(key, results)]
    if misses:
        lines += ["### Why a budget misses", ""]
        for key in misses:
            lines += [f"- **{BUDGETS[key][0]}**: {MISSES.get(key, 'not explained yet.')}"]
        lines.append("")
    lines += [
        "## Server throughput",
        "",
        "Each client is its own signed-in account calling as fast as answers come. Push sends one",
        "capture per request; pull asks for a page of 100 changes. The ratio is requests/s over the",
        "trivial `GET /api/health` of the same server at the same concurrency, in the same run.",
        "",
        *throughput_rows(results),
    ]
    if "PostgreSQL" not in results["throughput"]:
        lines += ["PostgreSQL: not measured (no `initdb` on this machine).", ""]
    lines += [
        "## How cost grows",
        "",
        "A new device pulls an account's every contact (pages of 500); the server's peak resident",
        "memory is read from /proc (VmHWM, reset before the pull). Each size runs on a fresh server.",
        "Linear growth shows as a flat time per 1,000; memory stays flat because the server holds",
        "one page at a time, whatever the account's size.",
        "",
        *growth_rows(results),
        "",
        "## What the benchmark changed",
        "",
        *[f"- {line}" for line in TUNED],
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--short", action="store_true", help="fewer repetitions and smaller sizes (CI)")
    parser.add_argument(
        "--out", type=Path, default=None, help="write results.json and BENCHMARKS.md here instead"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite BENCHMARKS.md from results.json; measure nothing"
    )
    args = parser.parse_args()
    json_path = (args.out or ROOT / "bench") / "results.json"
    results = json.loads(json_path.read_text()) if args.report_only else measure(args.short)
    report = write_report(results)
    report_path = (args.out or ROOT) / "BENCHMARKS.md"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    report_path.write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"(took {time.monotonic() - started:.0f} s)")
    sys.exit(code)
