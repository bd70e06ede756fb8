#!/usr/bin/env python3
"""Checks and tabulates one benchmark run (see benchmarks/run).

  report.py fastest PREFIX K                      PREFIX.1.time .. PREFIX.K.time: the fastest becomes
                                                  PREFIX.time; prints "12.34 s, 456 MB"
  report.py check-count OUTFILE EXPECTED KEY      the count the command printed last equals EXPECTED[KEY]
  report.py check-plan OUTFILE EXPECTED STEP      reconcile's "Plan:" and "Applied" lines match EXPECTED[STEP]
  report.py table RUNDIR DATADIR                  the Markdown table of one run, with the machine
  report.py linearity RUNDIR...                   how each step grows from the smallest N to the others

Every check prints what differs and exits 1.
"""

import json
import os
import platform
import re
import shutil
import subprocess
import sys

STEPS = ["json.load", "import", "first-load", "drift", "nothing"]
PLAN_FIELDS = [("create", r"(\d+) to create"), ("update", r"(\d+) to update"), ("link", r"(\d+) to link"),
               ("disable", r"(\d+) to disable"), ("delete", r"(\d+) to delete"), ("skipped", r"(\d+) skipped"),
               ("unchanged", r"(\d+) unchanged")]


def fail(message):
    print("bench: " + message, file=sys.stderr)
    sys.exit(1)


def measurement(path):
    """(wall seconds, max RSS bytes, CPU seconds user + system) from a GNU time -v report."""
    wall = rss = None
    cpu = 0.0
    with open(path, encoding="utf-8") as report:
        for line in report:
            line = line.strip()
            value = line.rsplit(": ", 1)[-1]
            if line.startswith("Elapsed (wall clock) time"):
                seconds = 0.0
                for part in value.split(":"):
                    seconds = seconds * 60 + float(part)
                wall = seconds
            elif line.startswith("Maximum resident set size"):
                rss = int(value) * 1024
            elif line.startswith("User time (seconds)") or line.startswith("System time (seconds)"):
                cpu += float(value)
    if wall is None or rss is None:
        fail("%s is not a /usr/bin/time -v report" % path)
    return wall, rss, cpu


def megabytes(size):
    return "%d MB" % round(size / 1e6)


def lookup(document, dotted):
    for key in dotted.split("."):
        document = document[key]
    return document


def load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def fastest(prefix, count):
    runs = ["%s.%d.time" % (prefix, i) for i in range(1, int(count) + 1)]
    walls = [measurement(run)[0] for run in runs]
    best = runs[walls.index(min(walls))]
    shutil.copyfile(best, prefix + ".time")
    wall, rss, _ = measurement(best)
    others = " (fastest of %s)" % ", ".join("%.2f" % w for w in walls) if len(walls) > 1 else ""
    print("%.2f s, %s%s" % (wall, megabytes(rss), others))


def check_count(out, expected_path, key):
    with open(out, encoding="utf-8") as file:
        lines = file.read().split()
    want = lookup(load(expected_path), key)
    if not lines or lines[-1] != str(want):
        fail("%s: expected the count %s (%s), got %r" % (out, want, key, lines[-1] if lines else ""))


def check_plan(out, expected_path, step):
    want = load(expected_path)[step]
    with open(out, encoding="utf-8") as file:
        text = file.read()
    plan = next((line for line in text.splitlines() if line.startswith("Plan: ")), None)
    if plan is None:
        fail("%s: reconcile printed no \"Plan:\" line" % out)
    got = {}
    for name, pattern in PLAN_FIELDS:
        match = re.search(pattern, plan)
        got[name] = int(match.group(1)) if match else None
    wrong = ["%s %s (expected %d)" % (name, got[name], want[name]) for name, _ in PLAN_FIELDS if got[name] != want[name]]
    if wrong:
        fail("%s: the plan is not the expected one: %s\n  %s" % (out, ", ".join(wrong), plan))
    changes = sum(want[name] for name in ("create", "update", "link", "disable", "delete"))
    applied = re.search(r"^Applied (\d+) changes? in run \d+\.$", text, re.MULTILINE)
    if applied is None or int(applied.group(1)) != changes:
        fail("%s: expected \"Applied %d changes\", got %r" % (out, changes, applied.group(0) if applied else None))


def folder_size(path):
    files = [os.path.join(path, name) for name in os.listdir(path) if name.endswith(".json")]
    return sum(os.path.getsize(f) for f in files), len(files)


def first_line(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def machine():
    memory = 0
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    cpu = platform.processor() or "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    swift = re.search(r"Swift version (\S+)", first_line(["swift", "--version"]))
    sqlite = first_line(["sqlite3", "--version"]).split(" ")[0]
    return "%d cores (nproc), %.1f GiB, %s; Swift %s release build; sqlite3 %s; Python %s" % (
        os.cpu_count(), memory / 2**30, cpu, swift.group(1) if swift else "unknown", sqlite, platform.python_version())


def table(run, data):
    expected = load(os.path.join(data, "expected.json"))
    n = expected["users"]
    size1, pages1 = folder_size(os.path.join(data, "day1"))
    size2, _ = folder_size(os.path.join(data, "day2"))
    drift = sum(expected["driftCounts"].values())
    m = {step: measurement(os.path.join(run, step + ".time")) for step in STEPS}
    creates = expected["firstLoad"]["create"]
    changes = sum(expected["drift"][k] for k in ("create", "update", "disable"))

    def ratio(step, base, label):
        return "%.2f × %s" % (m[step][0] / m[base][0], label)

    rows = [
        ("baseline: `python3` `json.load` of the next-day export (gc off)", "", ""),
        ("baseline: `sqlite3 .import` of the first load's %s rows" % format(creates, ","), "", ""),
        ("(a) first load: %s creates into an empty store" % format(creates, ","),
         ratio("first-load", "import", "sqlite3 .import"), "≤ 1.5"),
        ("(b) next night, 1%% drift: plan + apply %s changes" % format(changes, ","),
         ratio("drift", "json.load", "json.load"), "≤ 1.0, never > 1.5"),
        ("(c) the night after: nothing to do", ratio("nothing", "drift", "drift run"), "≤ 1.0"),
    ]
    print()
    print("N = %s users (seed %d): export %s in %d pages of 999; next day %s directory changes (1%%)." % (
        format(n, ","), expected["seed"], megabytes(size1), pages1, format(drift, ",")))
    print("Machine: %s." % machine())
    print()
    print("| step | wall | CPU | users/s | max RSS | ratio | goal |")
    print("|---|--:|--:|--:|--:|---|---|")
    for step, (label, ratio_text, goal) in zip(STEPS, rows):
        wall, rss, cpu = m[step]
        print("| %s | %.2f s | %.2f s | %s | %s | %s | %s |" % (
            label, wall, cpu, format(round(n / wall) if wall > 0 else 0, ","), megabytes(rss), ratio_text, goal))
    print()
    pairs = paired(run, "drift")
    if pairs:
        ratios = sorted(pairs)
        middle = len(ratios) // 2
        median = ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2
        if len(ratios) == 1:
            print("(b) against a json.load run just before it: %.2f × json.load." % ratios[0])
        else:
            print("(b) against a json.load run just before each drift run: "
                  "median %.2f × json.load, %.2f to %.2f over %d pairs." % (median, ratios[0], ratios[-1], len(ratios)))
        print()
    repeats = len([name for name in os.listdir(run) if name.startswith("drift.") and name.endswith(".time")]) - 1
    print("users/s is N / wall time for every row; CPU is user + system time%s. Goal for every reconcile step: "
          "max RSS under 1 GB at 1M users." % ("; each step the fastest of %d runs" % repeats if repeats > 1 else ""))


def paired(run, step):
    """The wall time of each run of `step` over that of the run timed just before it (`beside`)."""
    ratios = []
    i = 1
    while os.path.exists(os.path.join(run, "%s-beside.%d.time" % (step, i))):
        before = measurement(os.path.join(run, "%s-beside.%d.time" % (step, i)))[0]
        ratios.append(measurement(os.path.join(run, "%s.%d.time" % (step, i)))[0] / before)
        i += 1
    return ratios


def linearity(runs):
    measured = []
    for run in runs:
        expected = load(os.path.join(run, "expected.json"))
        measured.append((expected["users"], {s: measurement(os.path.join(run, s + ".time")) for s in STEPS}))
    measured.sort(key=lambda item: item[0])
    base_n, base = measured[0]
    labels = {"json.load": "baseline: json.load", "import": "baseline: sqlite3 .import", "first-load": "(a) first load",
              "drift": "(b) 1% drift", "nothing": "(c) nothing to do"}
    for n, m in measured[1:]:
        print()
        print("Linearity, %s → %s users (N × %g): time and memory should grow no faster than N." % (
            format(base_n, ","), format(n, ","), n / base_n))
        print()
        print("| step | wall at %s | wall at %s | wall × | RSS at %s | RSS at %s | RSS × |" % (
            format(base_n, ","), format(n, ","), format(base_n, ","), format(n, ",")))
        print("|---|--:|--:|--:|--:|--:|--:|")
        for step in STEPS:
            (w0, r0, _), (w1, r1, _) = base[step], m[step]
            print("| %s | %.2f s | %.2f s | %.1f | %s | %s | %.1f |" % (
                labels[step], w0, w1, w1 / w0 if w0 else 0, megabytes(r0), megabytes(r1), r1 / r0 if r0 else 0))


def main():
    args = sys.argv[1:]
    commands = {"fastest": (fastest, 2), "check-count": (check_count, 3), "check-plan": (check_plan, 3),
                "table": (table, 2)}
    if args and args[0] == "linearity" and len(args) >= 3:
        linearity(args[1:])
    elif args and args[0] in commands and len(args) == commands[args[0]][1] + 1:
        commands[args[0]][0](*args[1:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)


if __name__ == "__main__":
    main()
