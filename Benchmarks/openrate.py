"""Helper of openrate.sh: reads one run's figures, and prints the table of medians.

    python3 openrate.py ours SUMMARY_JSON RATE          -> key=value figures of a rampart run
    python3 openrate.py k6 SUMMARY_JSON                 -> key=value figures of a k6 run
    python3 openrate.py wrk WRK_OUTPUT                  -> key=value figures of a wrk run
    python3 openrate.py arrivals LOG FROM TO RATE       -> key=value smoothness of the arrivals logged
                                                           between byte offsets FROM and TO
    python3 openrate.py table RUNS_TSV                  -> the table of medians and the ratios
    python3 openrate.py ticks FILE                      -> writes `pid ppid ticks` of every process
    python3 openrate.py other BEFORE AFTER SECS PID...  -> CPU % (100 = one core) used between two
                                                           snapshots by processes other than PIDs
                                                           and kernel threads

The access log holds one line per request: `$msec` (the time nginx logged it, in
seconds with millisecond resolution), optionally followed by `$request_time`; a request's
arrival is `$msec - $request_time`, which for `return 200` is `$msec` itself.
"""
import json
import math
import os
import statistics
import sys


def kv(**figures):
    print(" ".join("%s=%s" % (k, v) for k, v in figures.items()))


def ours(path, rate):
    s = json.load(open(path))
    rate = float(rate)
    unc = s.get("uncorrected") or {}
    # Whole seconds of the per-second series but the first and the last: the worst second's
    # offered count against the rate (rampart's own view of what it offered).
    worst = "-"
    series = os.path.join(s.get("run_dir", ""), "series.jsonl")
    if rate > 0 and os.path.exists(series):
        rows = [json.loads(line) for line in open(series) if line.strip()]
        rows = [r for r in rows if r.get("offered") is not None and r.get("duration_s", 1) >= 0.999]
        inner = rows[1:-1]
        if inner:
            worst = "%.4f" % max(abs(r["offered"] - rate) / rate for r in inner)
    kv(requests=s["requests"], secs="%.3f" % s["duration_s"], achieved="%.2f" % s["tps"],
       p50="%.3f" % s["p50_ms"], p99="%.3f" % s["p99_ms"],
       p99send="%.3f" % unc["p99_ms"] if "p99_ms" in unc else "-",
       errors=s["errors"], offered="%.2f" % (s.get("offered_rps") or -1), late=s.get("late", "-"),
       dropped=s.get("dropped", "-"), genlim=s.get("generator_limited_s", "-"),
       vusers=s.get("vusers_peak", "-"), offered_sec_dev=worst)


def k6(path):
    summary = json.load(open(path))
    m = summary["metrics"]
    reqs = m["http_reqs"]["values"]
    dur = m["http_req_duration"]["values"]
    failed = m.get("http_req_failed", {}).get("values", {}).get("passes", 0)
    dropped = m.get("dropped_iterations", {}).get("values", {}).get("count", 0)
    vus = m.get("vus_max", {}).get("values", {}).get("max", "-")
    secs = summary.get("state", {}).get("testRunDurationMs", 0) / 1000
    kv(requests=int(reqs["count"]), secs="%.3f" % secs, achieved="%.2f" % reqs["rate"], p50="%.3f" % dur["p(50)"],
       p99="%.3f" % dur["p(99)"], p99send="%.3f" % dur["p(99)"], errors=int(failed),
       dropped=int(dropped), vusers=vus)


def wrk(path):
    line = [l for l in open(path) if l.startswith("WRKRESULT")][-1]
    v = dict(f.split("=") for f in line.split()[1:])
    secs = int(v["duration_us"]) / 1e6
    errors = sum(int(v[k]) for k in ("connect", "read", "write", "status", "timeout"))
    kv(requests=v["requests"], secs="%.3f" % secs, achieved="%.2f" % (int(v["requests"]) / secs),
       p50="%.3f" % (int(v["p50_us"]) / 1000), p99="%.3f" % (int(v["p99_us"]) / 1000), errors=errors)


def arrivals(path, start, end, rate):
    """Arrivals per 100 ms window over the middle 80% of the run: mean, max |count - mean| / mean
    and the coefficient of variation; and the coefficient of variation of the gaps between
    arrivals where the log's millisecond resolution allows (gaps of 5 ms or more)."""
    rate = float(rate)
    with open(path, "rb") as log:
        log.seek(int(start))
        segment = log.read(int(end) - int(start)).decode("ascii", "replace")
    times = []
    for line in segment.splitlines():
        parts = line.split()
        if not parts:
            continue
        try:
            ms = round(float(parts[0]) * 1000)
            if len(parts) > 1 and parts[1] != "-":
                ms -= round(float(parts[1]) * 1000)
        except ValueError:
            continue
        times.append(ms)
    if len(times) < 2:
        kv(logged=len(times), win_mean="-", win_maxdev="-", win_cv="-", gap_cv="-")
        return
    times.sort()
    first, last = times[0], times[-1]
    span = last - first
    lo, hi = first + span // 10, last - span // 10
    windows = max(0, (hi - lo) // 100)
    counts = [0] * windows
    for t in times:
        i = (t - lo) // 100
        if 0 <= i < windows:
            counts[i] += 1
    figures = {"logged": len(times), "win_mean": "-", "win_maxdev": "-", "win_cv": "-", "gap_cv": "-"}
    if windows >= 2:
        mean = statistics.fmean(counts)
        figures["win_mean"] = "%.2f" % mean
        # Below 5 arrivals per window the counts are mostly quantisation: no figure.
        if mean >= 5:
            figures["win_maxdev"] = "%.4f" % (max(abs(c - mean) for c in counts) / mean)
            figures["win_cv"] = "%.4f" % (statistics.pstdev(counts) / mean)
    if rate > 0 and 1000 / rate >= 5:
        inner = [t for t in times if lo <= t < hi]
        gaps = [b - a for a, b in zip(inner, inner[1:])]
        if len(gaps) >= 2 and statistics.fmean(gaps) > 0:
            figures["gap_cv"] = "%.4f" % (statistics.pstdev(gaps) / statistics.fmean(gaps))
    kv(**figures)


def table(path):
    rows = []
    for line in open(path):
        f = dict(x.split("=", 1) for x in line.split())
        rows.append(f)
    groups = {}
    for r in rows:
        groups.setdefault((r["target"], r["tool"], r["rate"]), []).append(r)

    def med(rs, key):
        vals = []
        for r in rs:
            try:
                v = float(r.get(key, "-"))
            except ValueError:
                continue
            if not math.isnan(v):
                vals.append(v)
        return statistics.median(vals) if vals else None

    def fmt(v, spec):
        return "-" if v is None else spec % v

    def order(key):
        target, tool, rate = key
        return (target != "nginx", rate == "sat", float(rate) if rate != "sat" else 0,
                ["ours", "k6", "closed", "wrk"].index(tool))

    head = ("%-7s %-6s %7s %4s %9s %7s %8s %7s %8s %8s %9s %6s %6s %7s %7s %7s %6s"
            % ("target", "tool", "rate", "reps", "achieved", "/rate", "cpu_s/1k", "rss_mb", "p50_ms",
               "p99_ms", "p99send", "late", "drop", "maxdev", "cv", "gap_cv", "other"))
    print(head)
    medians = {}
    for key in sorted(groups, key=order):
        target, tool, rate = key
        rs = groups[key]
        achieved = med(rs, "achieved")
        cpu = med(rs, "cpu_per_1k")
        rss = med(rs, "rss_mb")
        medians[key] = (cpu, rss, achieved)
        ratio = achieved / float(rate) if achieved is not None and rate != "sat" else None
        print("%-7s %-6s %7s %4d %9s %7s %8s %7s %8s %8s %9s %6s %6s %7s %7s %7s %6s" % (
            target, tool, rate, len(rs), fmt(achieved, "%.1f"), fmt(ratio, "%.4f"), fmt(cpu, "%.4f"),
            fmt(rss, "%.1f"), fmt(med(rs, "p50"), "%.3f"), fmt(med(rs, "p99"), "%.3f"),
            fmt(med(rs, "p99send"), "%.3f"), fmt(med(rs, "late"), "%.0f"), fmt(med(rs, "dropped"), "%.0f"),
            fmt(med(rs, "win_maxdev"), "%.3f"), fmt(med(rs, "win_cv"), "%.3f"), fmt(med(rs, "gap_cv"), "%.3f"),
            fmt(med(rs, "other_pct"), "%.0f")))
    print()
    print("ratios of medians, rampart/k6 (same target, same rate):")
    for key in sorted(groups, key=order):
        target, tool, rate = key
        if tool != "ours" or (target, "k6", rate) not in medians:
            continue
        o, k = medians[key], medians[(target, "k6", rate)]
        cpu = o[0] / k[0] if o[0] and k[0] else None
        rss = o[1] / k[1] if o[1] and k[1] else None
        ach = o[2] / k[2] if o[2] and k[2] else None
        print("  %-7s rate %7s: cpu/request %s  max_rss %s  achieved %s" % (
            target, rate, fmt(cpu, "%.2f"), fmt(rss, "%.2f"), fmt(ach, "%.3f")))
    wrk_key = ("nginx", "wrk", "sat")
    if wrk_key in medians and medians[wrk_key][0]:
        w = medians[wrk_key]
        print("ratios of medians, rampart/wrk -t1 -c50 (CPU per request; wrk at saturation, %.0f req/s):" % w[2])
        for key in sorted(groups, key=order):
            target, tool, rate = key
            if target != "nginx" or tool not in ("ours", "closed") or medians[key][0] is None:
                continue
            if tool == "ours" and rate != max((r for t, tl, r in groups if t == "nginx" and tl == "ours"),
                                              key=lambda r: float(r)):
                continue
            what = "closed model, 50 vusers" if tool == "closed" else "open model at rate %s" % rate
            print("  %-33s cpu/request %.2f  (achieved %.0f req/s)" % (what, medians[key][0] / w[0], medians[key][2]))


def proc_ticks():
    ticks = {}
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            stat = open("/proc/%s/stat" % name).read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        ticks[int(name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return ticks


def ticks(path):
    with open(path, "w") as f:
        for pid, (ppid, t) in proc_ticks().items():
            f.write("%d %d %d\n" % (pid, ppid, t))


def other(before, after, secs, *pids):
    """CPU of the processes that ran through the second snapshot, less the listed ones (the
    servers) and kernel threads (ksoftirqd carries loopback traffic): a process started during
    the run counts whole, the client itself has exited by then."""
    def load(path):
        return {int(p): (int(pp), int(t)) for p, pp, t in (l.split() for l in open(path))}
    b, a, skip = load(before), load(after), {int(p) for p in pids}
    hz = os.sysconf("SC_CLK_TCK")
    used = 0
    for pid, (ppid, t) in a.items():
        if pid in skip or pid == 2 or ppid == 2 or ppid in skip:
            continue
        used += t - b.get(pid, (0, 0))[1]
    print("%.0f" % (used / hz / float(secs) * 100))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"ours": ours, "k6": k6, "wrk": wrk, "arrivals": arrivals, "table": table, "ticks": ticks,
     "other": other}[cmd](*args)
