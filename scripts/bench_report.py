#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: turn the guests' "BENCH ..." lines into results.json,
REPORT.md, summary.txt (the tables printed at the end) and interruptions.png.

    bench_report.py --dir out/bench [--kernel-version V] [--host-cpus N] [--t0 EPOCH]
    bench_report.py --dir out/bench --icount-only

Reads DIR/boot-<n>-<flavor>.log (flavor baseline or task_isolation), the
serial logs written by scripts/bench.sh, plus DIR/timing.txt and
DIR/config.diff. Every figure is the median of all repetitions of one case
across all boots of one kernel in this run, shown with its min and max;
every ratio is a ratio of two such medians from this run. The plot is drawn
from results.json only.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys
import time

KERNELS = {"baseline": "baseline", "task_isolation": "patched"}
# isol_cost's ISOL_F_NOTIFY modes (getpid and fault loops only).
NOTIFY_MODES = ("keyon", "notify-idle", "notify-break")
CPUS = (1, 2)
CPU_NAME = {1: "CPU 1 (isolated: isolcpus=nohz,domain + nohz_full)",
            2: "CPU 2 (housekeeping, not isolated)"}

# Targets of the issue.
T_BA = 0.01      # |(b)/(a) - 1|
T_CB = 1.25      # (c)/(b)
T_CB_LRU = 1.20  # (c)/(b) with both quiesce bits (vmstat_sync + lru_drain), CPU 1
T_RATE = 1.0     # vmstat_update per second without quiescing, CPU 2
T_WALL = 30 * 60  # make bench, seconds


def parse_line(line):
    m = re.match(r"^BENCH (\w+)((?: \S+=\S*)*)\s*$", line)
    if not m:
        return None
    fields = {}
    for kv in m.group(2).split():
        k, v = kv.split("=", 1)
        fields[k] = v
    return m.group(1), fields


def num(v):
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def parse_logs(d, prefix="boot"):
    boots = []
    for path in sorted(glob.glob(os.path.join(d, f"{prefix}-*.log")),
                       key=lambda p: int(re.search(rf"{prefix}-(\d+)-", p).group(1))):
        m = re.search(rf"{prefix}-(\d+)-(\w+)\.log$", path)
        idx, flavor = int(m.group(1)), m.group(2)
        boot = {"boot": idx, "flavor": flavor, "kernel": KERNELS.get(flavor, flavor),
                "log": os.path.basename(path), "info": {}, "cost": [], "proof": [],
                "noise": [], "noise_times": [], "lru": [], "lru_times": [], "load": [],
                "done": None, "skipped": [], "tsc_unstable_s": None}
        with open(path, errors="replace") as f:
            for line in f:
                # The clocksource watchdog (host load under TCG) can mark the
                # TSC unstable: on nohz_full that keeps the tick on for good.
                m = re.match(r"^\[\s*([0-9.]+)\].*marking tsc unstable", line)
                if m and boot["tsc_unstable_s"] is None:
                    boot["tsc_unstable_s"] = float(m.group(1))
                p = parse_line(line.rstrip("\n"))
                if not p:
                    continue
                kind, fl = p
                if "skipped" in fl:
                    boot["skipped"].append(dict(kind=kind, **fl))
                    continue
                if kind == "boot":
                    boot["info"] = fl
                elif kind == "done":
                    boot["done"] = int(fl.get("rc", 1))
                elif kind in ("noise_times", "lru_times"):
                    boot[kind].append({
                        "cpu": int(fl["cpu"]), "mode": fl["mode"], "rep": int(fl["rep"]),
                        "vmstat_t": [float(x) for x in fl.get("vmstat_t", "").split(",") if x],
                        "lru_t": [float(x) for x in fl.get("lru_t", "").split(",") if x],
                        "thread_bins": [int(x) for x in fl.get("thread_bins", "").split(",") if x]})
                elif kind in ("cost", "proof", "noise", "lru", "load"):
                    boot[kind].append({k: num(v) for k, v in fl.items()})
        boots.append(boot)
    return boots


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values), "samples": values}


def cost_stats(boots, kernel, cpu, case, mode, boot_ids=None):
    return stats([c["ns"] for b in boots if b["kernel"] == kernel and
                  (boot_ids is None or b["boot"] in boot_ids)
                  for c in b["cost"] if c["cpu"] == cpu and c["case"] == case and c["mode"] == mode])


def ratio(x, y, stat="median"):
    if not x or not y:
        return None
    return x[stat] / y[stat]


def cost_section(boots, stat="median"):
    """Figures and ratios (of their @stat) of the cost cases of @boots, per CPU."""
    # Pair boots: in ABBA order, boots 1-2 are round 1, 3-4 round 2, ...
    pairs = {}
    for b in boots:
        pairs.setdefault((b["boot"] + 1) // 2, {})[b["kernel"]] = b["boot"]

    cost = {}
    for cpu in CPUS:
        c = {}
        for kernel in ("baseline", "patched"):
            for case in ("getpid", "dirty", "fork", "fault"):
                for mode in ("plain", "quiesce", "both", "inherit") + NOTIFY_MODES:
                    s = cost_stats(boots, kernel, cpu, case, mode)
                    if s:
                        c[f"{kernel}/{case}/{mode}"] = s
        r = {}

        def rat(name, num_key, den_key):
            r[name] = {"value": ratio(c.get(num_key), c.get(den_key), stat),
                       "num": num_key, "den": den_key, "of": stat, "per_round": []}
            for rnd, ids in sorted(pairs.items()):
                nk, dk = num_key.split("/"), den_key.split("/")
                nv = cost_stats(boots, nk[0], cpu, nk[1], nk[2], set(ids.values()))
                dv = cost_stats(boots, dk[0], cpu, dk[1], dk[2], set(ids.values()))
                r[name]["per_round"].append(ratio(nv, dv, stat))
            # Same kernel: also the ratio of the two runs of each repetition,
            # which ran back to back and so shared the host's load.
            if num_key.split("/")[0] == den_key.split("/")[0]:
                nk, dk = num_key.split("/"), den_key.split("/")
                paired = []
                for b in boots:
                    if b["kernel"] != nk[0]:
                        continue
                    runs = {(x["case"], x["mode"], x["rep"]): x["ns"]
                            for x in b["cost"] if x["cpu"] == cpu}
                    for (case, mode, rep), ns in runs.items():
                        if (case, mode) == (nk[1], nk[2]) and (dk[1], dk[2], rep) in runs:
                            paired.append(ns / runs[(dk[1], dk[2], rep)])
                r[name]["paired"] = stats(paired)

        rat("b/a", "patched/getpid/plain", "baseline/getpid/plain")
        rat("c/b", "patched/getpid/quiesce", "patched/getpid/plain")
        rat("d/b", "patched/dirty/quiesce", "patched/dirty/plain")
        rat("dirty patched/baseline", "patched/dirty/plain", "baseline/dirty/plain")
        rat("fork inherit/plain", "patched/fork/inherit", "patched/fork/plain")
        rat("fork patched/baseline", "patched/fork/plain", "baseline/fork/plain")
        rat("fault b/a", "patched/fault/plain", "baseline/fault/plain")
        rat("c2/b", "patched/getpid/both", "patched/getpid/plain")
        rat("d2/b", "patched/fault/both", "patched/fault/plain")
        rat("fault quiesce/plain", "patched/fault/quiesce", "patched/fault/plain")
        rat("fault both/quiesce", "patched/fault/both", "patched/fault/quiesce")
        for case in ("getpid", "fault"):
            for mode in NOTIFY_MODES:
                rat(f"{case} {mode}/plain", f"patched/{case}/{mode}", f"patched/{case}/plain")
            rat(f"{case} keyon/baseline", f"patched/{case}/keyon", f"baseline/{case}/plain")
        cost[f"cpu{cpu}"] = {"figures": c, "ratios": r}
    return cost


def build_results(boots, icount, args):
    res = {"generated": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
           "kernel_source": args.kernel_version, "host_cpus": args.host_cpus,
           "boots": [{k: b[k] for k in ("boot", "flavor", "kernel", "log", "info", "done",
                                        "tsc_unstable_s")}
                     for b in boots + icount]}
    res["cost"] = cost_section(boots)
    # Instruction counts: interference (other vCPUs' work, ticks) only adds
    # instructions, so the minimum is the operation's own count.
    res["icount"] = cost_section(icount, "min") if icount else None

    proof = {}
    for b in boots:
        for p in b["proof"]:
            key = f"{b['kernel']}/cpu{p['cpu']}/{p['mode']}"
            proof.setdefault(key, {"after_mmap": [], "after_munmap": []})
            proof[key]["after_mmap"].append(p["after_mmap"])
            proof[key]["after_munmap"].append(p["after_munmap"])
    res["proof"] = proof

    noise = {}
    fields = ("vmstat_update", "vmstat_noise", "vmstat_noise_us", "lru_drain", "thread_noise",
              "thread_noise_us", "kworker_noise", "irq_noise", "softirq_noise",
              "window_s", "overrun")
    for cpu in CPUS:
        for kernel, mode in (("baseline", "off"), ("patched", "off"),
                             ("patched", "on"), ("patched", "oneshot")):
            # The window is the nominal spin time (ti.secs) plus the marker
            # write; rates are per nominal second.
            runs = [dict(n, secs=float(b["info"].get("secs", n["window_s"])))
                    for b in boots if b["kernel"] == kernel for n in b["noise"]
                    if n["cpu"] == cpu and n["mode"] == mode]
            if not runs:
                continue
            e = {f: stats([r.get(f) for r in runs]) for f in fields}
            e["vmstat_update_per_s"] = stats([r["vmstat_update"] / r["secs"] for r in runs])
            times = [dict(t, boot=b["boot"]) for b in boots if b["kernel"] == kernel
                     for t in b["noise_times"] if t["cpu"] == cpu and t["mode"] == mode]
            e["times"] = times
            # While vmstat work is armed: the interval between consecutive
            # runs, and when the last run of the window happened.
            e["vmstat_interval_s"] = stats([b - a for t in times
                                            for a, b in zip(t["vmstat_t"], t["vmstat_t"][1:])])
            e["vmstat_last_s"] = stats([t["vmstat_t"][-1] for t in times if t["vmstat_t"]])
            noise[f"cpu{cpu}/{kernel}/{mode}"] = e
    res["noise"] = noise
    res["lru_noise"] = lru_noise_section(boots)
    res["lru_load"] = sorted({" ".join(f"{k}={v}" for k, v in ld.items() if k != "cpu")
                              for b in boots for ld in b["load"]})

    skipped = sorted({f"{s['kind']} {s.get('case', '')}/{s.get('mode', '')}".replace(" /", " ")
                      for b in boots if b["kernel"] == "baseline" for s in b["skipped"]})
    res["skipped_on_baseline"] = skipped
    unexpected = [f"{b['log']}: {s}" for b in boots + icount if b["kernel"] == "patched"
                  for s in b["skipped"]]
    res["skipped_on_patched"] = unexpected

    timing = {}
    tpath = os.path.join(args.dir, "timing.txt")
    if os.path.exists(tpath):
        for line in open(tpath):
            k, v = line.split()
            timing[k] = int(v)
    if args.t0:
        timing["make_bench_total"] = int(time.time()) - args.t0
    elif "total-before-report" in timing:
        timing["make_bench_total"] = timing["total-before-report"]
    res["timing_s"] = timing
    hpath = os.path.join(args.dir, "host.txt")
    res["host_during_boots"] = [line.strip() for line in open(hpath)] if os.path.exists(hpath) else []
    kpath = os.path.join(args.dir, "kernels.txt")
    res["kernels_sha256"] = dict(reversed(line.split()) for line in open(kpath)) \
        if os.path.exists(kpath) else {}
    cpath = os.path.join(args.dir, "config.diff")
    res["config_difference"] = open(cpath).read().split() if os.path.exists(cpath) else None

    res["targets"] = targets(res)
    return res


LRU_FIELDS = ("lru_drain", "lru_noise", "lru_noise_us", "fills", "vmstat_update",
              "vmstat_noise", "thread_noise", "thread_noise_us", "kworker_noise", "irq_noise",
              "irq_noise_us", "softirq_noise", "window_s", "overrun")


def lru_noise_section(boots):
    """The LRU scenario: per CPU and kernel/mode, the statistics of its runs."""
    out = {}
    for cpu in CPUS:
        for kernel, mode in (("baseline", "off"), ("patched", "off"), ("patched", "on")):
            runs = [dict(n, secs=float(b["info"].get("secs", n["window_s"])))
                    for b in boots if b["kernel"] == kernel for n in b["lru"]
                    if n["cpu"] == cpu and n["mode"] == mode]
            if not runs:
                continue
            e = {f: stats([r.get(f) for r in runs]) for f in LRU_FIELDS}
            e["lru_drain_per_s"] = stats([r["lru_drain"] / r["secs"] for r in runs])
            e["times"] = [dict(t, boot=b["boot"]) for b in boots if b["kernel"] == kernel
                          for t in b["lru_times"] if t["cpu"] == cpu and t["mode"] == mode]
            out[f"cpu{cpu}/{kernel}/{mode}"] = e
    return out


def targets(res):
    t = []

    def add(name, value, goal, met, why=""):
        t.append({"target": name, "measured": value, "goal": goal, "met": met, "note": why})

    for sect, what in (("cost", "wall-clock ns"), ("icount", "instructions, QEMU -icount")):
        if not res.get(sect):
            continue
        for cpu in CPUS:
            r = res[sect][f"cpu{cpu}"]["ratios"]
            ba, cb = r["b/a"]["value"], r["c/b"]["value"]
            if ba is not None:
                dev = abs(ba - 1)
                why = "" if dev <= T_BA else f"off by {100 * dev:.2f}%"
                rounds = [x for x in r["b/a"]["per_round"] if x is not None]
                a = res[sect][f"cpu{cpu}"]["figures"].get("baseline/getpid/plain")
                if sect == "cost" and len(rounds) > 1 and a:
                    spread = 100 * (a["max"] - a["min"]) / a["median"]
                    why += (f"{'; ' if why else ''}per round {', '.join(f'{x:.3f}' for x in rounds)}; "
                            f"the samples of (a) alone spread over {spread:.0f}% of their median")
                add(f"(b)/(a), CPU {cpu}, {what}", f"{ba:.4f}", "within 1% of 1",
                    dev <= T_BA, why)
            if cb is not None:
                add(f"(c)/(b), CPU {cpu}, {what}", f"{cb:.3f}", f"<= {T_CB}", cb <= T_CB,
                    "" if cb <= T_CB else f"{100 * (cb / T_CB - 1):.1f}% over the target")
        # The lru_drain bit's targets, on the isolated CPU. Under -icount the
        # ratios are of minimums; the ratio of the medians goes alongside, as
        # a run can also take a cheaper kernel path (a low outlier).
        r = res[sect]["cpu1"]["ratios"]
        fig = res[sect]["cpu1"]["figures"]

        def med(key):
            nk, dk = r[key]["num"], r[key]["den"]
            if sect != "icount" or nk not in fig or dk not in fig:
                return ""
            return f"ratio of the medians {fig[nk]['median'] / fig[dk]['median']:.4f}"

        fba, cb2 = r.get("fault b/a", {}).get("value"), r.get("c2/b", {}).get("value")
        if fba is not None:
            dev = abs(fba - 1)
            why = "; ".join(x for x in ("" if dev <= T_BA else f"off by {100 * dev:.2f}%",
                                        med("fault b/a")) if x)
            add(f"page-fault loop (b)/(a), CPU 1, {what}", f"{fba:.4f}", "within 1% of 1",
                dev <= T_BA, why)
        if cb2 is not None:
            why = "; ".join(x for x in ("" if cb2 <= T_CB_LRU else
                                        f"{100 * (cb2 / T_CB_LRU - 1):.1f}% over the target",
                                        med("c2/b")) if x)
            add(f"(c)/(b) with both bits (0x3), getpid, CPU 1, {what}", f"{cb2:.3f}",
                f"<= {T_CB_LRU:.2f}", cb2 <= T_CB_LRU, why)
    for cpu in CPUS:
        e = res["noise"].get(f"cpu{cpu}/patched/on")
        if e:
            vu, vn = e["vmstat_update"]["max"], e["vmstat_noise"]["max"]
            add(f"quiescing active, CPU {cpu}: vmstat_update / vmstat thread noise (max of "
                f"{e['vmstat_update']['n']} runs)", f"{vu} / {vn}", "0 / 0", vu == 0 and vn == 0)
    for kernel in ("baseline", "patched"):
        e = res["noise"].get(f"cpu2/{kernel}/off")
        if e:
            rate = e["vmstat_update_per_s"]["median"]
            why = ""
            if rate < T_RATE:
                why = f"{100 * (1 - rate / T_RATE):.0f}% under"
                iv, last = e.get("vmstat_interval_s"), e.get("vmstat_last_s")
                if iv and last:
                    why += (f"; while armed the work ran every {iv['median']:.2f} s, "
                            f"but stopped re-arming after the run at {last['median']:.1f} s "
                            f"(median)")
            add(f"without quiescing, CPU 2, {kernel}: vmstat_update runs per second of the "
                f"window (median)", f"{rate:.2f}", f">= {T_RATE}", rate >= T_RATE, why)
    lru = res.get("lru_noise") or {}
    for cpu in CPUS:
        e = lru.get(f"cpu{cpu}/patched/on")
        if e:
            ld, ln = e["lru_drain"]["max"], e["lru_noise"]["max"]
            add(f"lru_drain active under the drain load, CPU {cpu}: lru_add_drain_per_cpu / "
                f"LRU thread noise (max of {e['lru_drain']['n']} runs)", f"{ld} / {ln}", "0 / 0",
                ld == 0 and ln == 0)
    e = lru.get("cpu1/baseline/off")
    if e:
        m = e["lru_drain"]["median"]
        add("the LRU scenario interrupts an isolated CPU without lru_drain: "
            "lru_add_drain_per_cpu runs on CPU 1, baseline kernel (median per window)",
            f"{m:g}", ">= 1", m >= 1)
    total = res["timing_s"].get("make_bench_total")
    if total is not None:
        add("make bench wall time (2 cores, warm cache)", f"{total / 60:.1f} min", "<= 30 min",
            total <= T_WALL)
    return t


def fmt(s, prec=1):
    if not s:
        return "n/a"
    f = f"{{:.{prec}f}}"
    if s["min"] == s["max"]:
        return f.format(s["median"])
    return f"{f.format(s['median'])} [{f.format(s['min'])}–{f.format(s['max'])}]"


def fmt_ratio(r, prec=3):
    if r["value"] is None:
        return "n/a"
    per = ", ".join("n/a" if x is None else f"{x:.{prec}f}" for x in r["per_round"])
    out = f"**{r['value']:.{prec}f}** (per round: {per})"
    if r.get("paired"):
        out += f"; paired {fmt(r['paired'], prec)}"
    return out


COST_ROWS = [
    ("(a)", "getpid()", "baseline", "baseline/getpid/plain"),
    ("(b)", "getpid()", "patched, no isolation", "patched/getpid/plain"),
    ("(c)", "getpid()", "patched, quiescing active, nothing to fold", "patched/getpid/quiesce"),
    ("(c2)", "getpid()", "patched, vmstat_sync + lru_drain active (0x3), nothing to fold or "
     "drain", "patched/getpid/both"),
    ("", "mmap(MAP_POPULATE, 1 page) / munmap", "baseline", "baseline/dirty/plain"),
    ("(b')", "mmap(MAP_POPULATE, 1 page) / munmap", "patched, no isolation", "patched/dirty/plain"),
    ("(d)", "mmap(MAP_POPULATE, 1 page) / munmap", "patched, quiescing active, each call folds",
     "patched/dirty/quiesce"),
    ("", "fork() + _exit() + wait()", "baseline", "baseline/fork/plain"),
    ("", "fork() + _exit() + wait()", "patched, no isolation", "patched/fork/plain"),
    ("", "fork() + _exit() + wait()", "patched, child inherits active quiescing",
     "patched/fork/inherit"),
    ("(a)", "madvise(DONTNEED) + page fault", "baseline", "baseline/fault/plain"),
    ("(b)", "madvise(DONTNEED) + page fault", "patched, no isolation", "patched/fault/plain"),
    ("", "madvise(DONTNEED) + page fault", "patched, vmstat_sync active (0x1): each return "
     "folds", "patched/fault/quiesce"),
    ("(d2)", "madvise(DONTNEED) + page fault", "patched, both bits active (0x3): each fault's "
     "return folds and drains its folio", "patched/fault/both"),
    ("(n1)", "getpid()", "patched, no isolation, another task notifies exceptions and "
     "interrupts (static key on)", "patched/getpid/keyon"),
    ("(n2)", "getpid()", "patched, the task notifies exceptions and interrupts (key on, no "
     "syscall work)", "patched/getpid/notify-idle"),
    ("(n3)", "getpid()", "patched, the task notifies syscalls, signo 0: every getpid() is a "
     "break", "patched/getpid/notify-break"),
    ("(n1)", "madvise(DONTNEED) + page fault", "patched, no isolation, another task notifies "
     "exceptions and interrupts (static key on)", "patched/fault/keyon"),
    ("(n2)", "madvise(DONTNEED) + page fault", "patched, the task notifies interrupts only "
     "(key on, faults are no breaks)", "patched/fault/notify-idle"),
    ("(n3)", "madvise(DONTNEED) + page fault", "patched, the task notifies exceptions, signo "
     "0: every fault is a break", "patched/fault/notify-break"),
]

RATIO_ROWS = [
    ("(b)/(a): patched kernel, task not using isolation, vs baseline", "b/a"),
    ("(c)/(b): quiescing active with nothing to fold, getpid()", "c/b"),
    ("(d)/(b'): quiescing active, every syscall folds a differential", "d/b"),
    ("mmap/munmap, patched (no isolation) vs baseline", "dirty patched/baseline"),
    ("fork+exit+wait with inherited active state vs without", "fork inherit/plain"),
    ("fork+exit+wait, patched (no isolation) vs baseline", "fork patched/baseline"),
    ("page-fault loop (b)/(a): patched kernel, task not using isolation, vs baseline",
     "fault b/a"),
    ("(c2)/(b): both bits active with nothing to fold or drain, getpid()", "c2/b"),
    ("(d2)/(b): both bits active, every fault's return drains one folio", "d2/b"),
    ("page-fault loop, vmstat_sync alone (0x1) vs no isolation", "fault quiesce/plain"),
    ("page-fault loop, both bits vs vmstat_sync alone: the drain's own share",
     "fault both/quiesce"),
    ("getpid() (n1)/(b): non-user, another task's notification turned the key on",
     "getpid keyon/plain"),
    ("getpid() (n1)/(a): the same against the baseline kernel", "getpid keyon/baseline"),
    ("getpid() (n2)/(b): notifying exceptions and interrupts, none happen",
     "getpid notify-idle/plain"),
    ("getpid() (n3)/(b): notifying syscalls, every getpid() a break (signo 0)",
     "getpid notify-break/plain"),
    ("page-fault loop (n1)/(b): non-user, another task's notification turned the key on",
     "fault keyon/plain"),
    ("page-fault loop (n1)/(a): the same against the baseline kernel", "fault keyon/baseline"),
    ("page-fault loop (n2)/(b): notifying interrupts only, faults are no breaks",
     "fault notify-idle/plain"),
    ("page-fault loop (n3)/(b): notifying exceptions, every fault a break (signo 0)",
     "fault notify-break/plain"),
]

NOISE_ROWS = [("baseline kernel", "baseline/off"), ("patched, no quiescing", "patched/off"),
              ("patched, quiescing active", "patched/on"),
              ("patched, one-shot quiescing", "patched/oneshot")]


def cost_tables(sect, title, note, prec=3):
    out = []
    n = [v["n"] for cpu in CPUS for v in sect[f"cpu{cpu}"]["figures"].values()]
    out.append(f"### {title} (median [min–max] of {min(n) if n else 0}+ runs)\n")
    if note:
        out.append(note + "\n")
    out.append("| | operation | kernel / task | CPU 1 (isolated) | CPU 2 (housekeeping) |")
    out.append("|---|---|---|---:|---:|")
    for tag, op, what, key in COST_ROWS:
        if not any(sect[f"cpu{cpu}"]["figures"].get(key) for cpu in CPUS):
            continue
        cells = [fmt(sect[f"cpu{cpu}"]["figures"].get(key)) for cpu in CPUS]
        out.append(f"| {tag} | {op} | {what} | {cells[0]} | {cells[1]} |")
    out.append("")
    out.append("| ratio | CPU 1 (isolated) | CPU 2 (housekeeping) |")
    out.append("|---|---:|---:|")
    for label, key in RATIO_ROWS:
        if not any(sect[f"cpu{cpu}"]["ratios"].get(key) for cpu in CPUS):
            continue
        cells = [fmt_ratio(sect[f"cpu{cpu}"]["ratios"][key], prec) for cpu in CPUS]
        out.append(f"| {label} | {cells[0]} | {cells[1]} |")
    out.append("")
    return out


NOTIFY_ROWS = [
    ("(a)", "baseline kernel (Δ, ratio: (b) against (a))", "baseline/{}/plain"),
    ("(b)", "patched, task not using isolation, key off", "patched/{}/plain"),
    ("(n1)", "patched, task not using isolation, another task notifies exceptions and "
     "interrupts (key on)", "patched/{}/keyon"),
    ("(n2)", "patched, the task notifies what its loop does not cause", "patched/{}/notify-idle"),
    ("(n3)", "patched, every operation is a break (signo 0)", "patched/{}/notify-break"),
]


def notify_table(sect):
    """ISOL_F_NOTIFY's cost in instructions: medians, their difference to (b)
    and ratio, and the paired ratio (same repetition, back to back)."""
    if not any(sect[f"cpu{cpu}"]["figures"].get("patched/getpid/keyon") for cpu in CPUS):
        return []
    out = ["### Notification (ISOL_F_NOTIFY) cost, guest instructions per operation "
           "(QEMU -icount)\n",
           "Medians of all repetitions (the page-fault loop's count has levels a few hundred "
           "instructions apart, whichever the kernel, which the minimum picks at random); "
           "*Δ*: the median minus (b)'s; *ratio*: of the medians to (b)'s; *paired*: median of "
           "the ratios to (b) of the same repetition. (n2) is notification of exceptions and "
           "interrupts for `getpid()` (no syscall work bit), of interrupts only for the "
           "page-fault loop; (n3) of syscalls for `getpid()`, of exceptions for the page-fault "
           "loop (its `madvise()` is no break).\n",
           "| loop | | kernel / task | " + " | ".join(
               f"CPU {cpu} {h}" for cpu in CPUS for h in ("instr.", "Δ", "ratio", "paired"))
           + " |", "|---|---|---|" + "---:|" * (4 * len(CPUS))]
    for case, op in (("getpid", "getpid()"), ("fault", "madvise(DONTNEED) + page fault")):
        for tag, what, key in NOTIFY_ROWS:
            key = key.format(case)
            cells = []
            for cpu in CPUS:
                fig = sect[f"cpu{cpu}"]["figures"]
                e, b = fig.get(key), fig.get(f"patched/{case}/plain")
                if not e or not b:
                    cells += ["n/a"] * 4
                    continue
                paired = None
                mode = key.split("/")[2]
                if key.startswith("patched/") and mode != "plain":
                    r = sect[f"cpu{cpu}"]["ratios"].get(f"{case} {mode}/plain", {})
                    paired = (r.get("paired") or {}).get("median")
                if key.startswith("baseline/"):
                    e, b = b, e  # (b)/(a): the patched kernel's own cost
                    cells.append(fmt(b))
                else:
                    cells.append(fmt(e))
                cells += [f"{e['median'] - b['median']:+.1f}", f"{e['median'] / b['median']:.4f}",
                          "" if paired is None else f"{paired:.4f}"]
            out.append(f"| {op} | {tag} | {what} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def icount_tables(sect):
    return cost_tables(
        sect, "Syscall cost, guest instructions per operation (QEMU -icount)",
        "One boot per kernel under `-icount shift=0,sleep=off`: guest time advances one "
        "nanosecond per guest instruction, so these \"ns\" count the instructions the "
        "guest executed (timer ticks included), whatever the host's load. Fewer "
        "iterations (the count barely varies). Interference (other vCPUs, ticks) only "
        "adds instructions, so ratios here are of the **minimums**; *per round*: the "
        "single pair of boots.", prec=4) + notify_table(sect)


def icount_only(d):
    """scripts/bench.sh icount: the instruction-count tables alone."""
    icount = parse_logs(d, "icount")
    bad = [b["log"] for b in icount if b["done"] != 0]
    if not icount or bad:
        sys.exit(f"missing, incomplete or failed icount runs in {d}: {' '.join(bad)}")
    skipped = [f"{b['log']}: {s.get('case')}/{s.get('mode')}" for b in icount
               if b["kernel"] == "patched" for s in b["skipped"]]
    if skipped:
        sys.exit("cases skipped on the patched kernel: " + "; ".join(skipped))
    sect = cost_section(icount, "min")
    head = ["Kernels: " + "; ".join(f"{b['log']}: {b['info'].get('release', '?')}, "
                                     f"reps={b['info'].get('reps', '?')}, "
                                     f"iters={b['info'].get('iters', '?')}" for b in icount), ""]
    with open(os.path.join(d, "icount.json"), "w") as f:
        json.dump(sect, f, indent=1)
    with open(os.path.join(d, "summary-icount.txt"), "w") as f:
        f.write("\n".join(head + icount_tables(sect)))


def tables(res):
    out = cost_tables(
        res["cost"], "Syscall cost, wall-clock ns per operation",
        "Ratios: of the medians; *per round*: the same ratio within each baseline/patched "
        "pair of boots; *paired* (same kernel only): median [min–max] of the ratios of the "
        "two runs of each repetition, which ran back to back.")
    if res.get("icount"):
        out += icount_tables(res["icount"])
    nn = [e["vmstat_update"]["n"] for e in res["noise"].values()]
    secs = statistics.median([e["window_s"]["median"] for e in res["noise"].values()]) if nn else 0
    out.append(f"### Interruptions during {secs:.0f} s of user-space spinning after "
               f"counter-changing syscalls (median [min–max] of {min(nn) if nn else 0}+ runs)\n")
    out.append("| CPU | kernel / task | vmstat_update runs | per second | vmstat-related "
               "thread noise (count) | its time (µs) | all thread noise (count) | "
               "kworker noise | IRQ noise | softirq noise |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for cpu in (2, 1):
        for label, key in NOISE_ROWS:
            e = res["noise"].get(f"cpu{cpu}/{key}")
            if not e:
                continue
            out.append(f"| {cpu} | {label} | {fmt(e['vmstat_update'], 0)} | "
                       f"{fmt(e['vmstat_update_per_s'], 2)} | {fmt(e['vmstat_noise'], 0)} | "
                       f"{fmt(e['vmstat_noise_us'], 0)} | {fmt(e['thread_noise'], 0)} | "
                       f"{fmt(e['kworker_noise'], 0)} | {fmt(e['irq_noise'], 0)} | "
                       f"{fmt(e['softirq_noise'], 0)} |")
    out.append("")
    for kernel in ("baseline", "patched"):
        e = res["noise"].get(f"cpu2/{kernel}/off")
        if e and e.get("vmstat_interval_s") and e.get("vmstat_last_s"):
            iv, last = e["vmstat_interval_s"], e["vmstat_last_s"]
            out.append(f"Without quiescing on CPU 2 ({kernel} kernel), `vmstat_update` ran every "
                       f"{fmt(iv, 2)} s (interval between consecutive runs) until the last run "
                       f"of the window at {fmt(last, 1)} s.  ")
    out.append("")
    out += lru_table(res)
    out.append("### Targets\n")
    out.append("| target | measured | goal | met |")
    out.append("|---|---|---|---|")
    for t in res["targets"]:
        note = f" ({t['note']})" if t["note"] else ""
        out.append(f"| {t['target']} | {t['measured']}{note} | {t['goal']} | "
                   f"{'yes' if t['met'] else '**no**'} |")
    out.append("")
    return "\n".join(out)


LRU_ROWS = [("baseline kernel", "baseline/off"), ("patched, no quiescing", "patched/off"),
            ("patched, lru_drain active (quiesce_mask 0x2)", "patched/on")]


def lru_table(res):
    lru = res.get("lru_noise") or {}
    if not lru:
        return []
    nn = [e["lru_drain"]["n"] for e in lru.values()]
    secs = statistics.median([e["window_s"]["median"] for e in lru.values()])
    out = [f"### Interruptions from LRU draining during {secs:.0f} s of user-space spinning "
           f"with one fresh page touched per second, under a housekeeping load that drains "
           f"every CPU's LRU batches (median [min–max] of {min(nn)}+ runs)\n",
           "The load, on CPU 0 only (`isol_lru_load`): khugepaged scanning every "
           "100 ms (THP `enabled=always`, khugepaged pinned to CPU 0) over an 8 MiB THP "
           "workload, and `echo 1 > /proc/sys/vm/drop_caches` every 500 ms; both call "
           "`lru_add_drain_all()`. The task touches one fresh anonymous page at the start of "
           "each second of its window (*fills*), a page fault that puts a folio into its "
           "CPU's `lru_add` batch, and otherwise spins in user space.\n",
           "| CPU | kernel / task | lru_add_drain_per_cpu runs | per second | fills | "
           "LRU-related thread noise (count) | its time (µs) | vmstat_update runs | "
           "all thread noise (count) | its time (µs) | IRQ noise |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for cpu in (1, 2):
        for label, key in LRU_ROWS:
            e = lru.get(f"cpu{cpu}/{key}")
            if not e:
                continue
            out.append(f"| {cpu} | {label} | {fmt(e['lru_drain'], 0)} | "
                       f"{fmt(e['lru_drain_per_s'], 2)} | {fmt(e['fills'], 0)} | "
                       f"{fmt(e['lru_noise'], 0)} | {fmt(e['lru_noise_us'], 0)} | "
                       f"{fmt(e['vmstat_update'], 0)} | {fmt(e['thread_noise'], 0)} | "
                       f"{fmt(e['thread_noise_us'], 0)} | {fmt(e['irq_noise'], 0)} |")
    out.append("")
    if res.get("lru_load"):
        out.append("Load as reported by each run of `isol_lru_load`: " +
                   "; ".join(f"`{x}`" for x in res["lru_load"]) + ".\n")
    return out


def proof_table(res):
    out = ["| kernel | CPU | quiescing | nr_anon_pages after mmap(MAP_POPULATE, 1 page) | "
           "after munmap |", "|---|---|---|---|---|"]
    for key in sorted(res["proof"]):
        kernel, cpu, mode = key.split("/")
        p = res["proof"][key]
        out.append(f"| {kernel} | {cpu[3:]} | {'active' if mode == 'quiesce' else 'no'} | "
                   f"{' '.join(f'{x:+d}' for x in p['after_mmap'])} | "
                   f"{' '.join(f'{x:+d}' for x in p['after_munmap'])} |")
    return "\n".join(out)


def tsc_note(res):
    hit = [b for b in res["boots"] if b.get("tsc_unstable_s") is not None]
    if not hit:
        return ""
    which = "; ".join(f"{b['log']} at {b['tsc_unstable_s']:.0f} s of uptime" for b in hit)
    return ("**Clocksource:** the kernel's clocksource watchdog marked the TSC unstable in "
            f"{which} (\"excessive read-back delay\": the host descheduled the vCPU, a TCG "
            "artifact, not a property of either kernel). On a nohz_full CPU an unstable "
            "sched_clock keeps the tick on from then until the end of the boot "
            "(`TICK_DEP_BIT_CLOCK_UNSTABLE`), so the CPU 1 runs of those boots after that "
            "time show about 2000 IRQ noise events per 10 s (the tick) instead of about 25; "
            "the workqueue and thread-noise counts are not affected.\n\n")


def report(res):
    b0 = res["boots"][0]["info"] if res["boots"] else {}
    order = ", ".join(f"{b['boot']}: {b['kernel']}" for b in res["boots"]
                      if b["log"].startswith("boot-"))
    t = res["timing_s"]
    timing = ", ".join(f"{k} {v} s" for k, v in t.items())
    cfg = " ".join(res["config_difference"] or ["(not checked)"])
    kern = ", ".join(f"{k} `{v[:16]}`" for k, v in sorted(res.get("kernels_sha256", {}).items())) \
        or "not recorded"
    return f"""# `make bench`: task isolation against an unpatched kernel

Generated {res['generated']} by `make bench` (scripts/bench.sh,
scripts/bench_report.py); raw figures in `results.json`, serial logs in
`boot-*.log` and `icount-*.log`. Kernel source: Debian linux-source {res['kernel_source']}, both
kernels built from it with the same toolchain (`LLVM=1`, build root) and the
same config, which differ only in: `{cfg}`. The images booted (copied
before the first boot), sha256: {kern}. Host: {res['host_cpus']} CPUs.
QEMU TCG (no KVM), 3 vCPUs, identical command line for both kernels
(`isolcpus=nohz,domain,1 nohz_full=1 irqaffinity=0 ...`); guest clocksource
`{b0.get('clocksource', '?')}`. Boots, in order ({order}): ABBA, so that a
linear drift of the host weighs on both kernels alike; each boot ran every
case {b0.get('reps', '?')} times, interleaved (cost cases alternate which mode
goes first). Then one boot per kernel under QEMU `-icount` for the
instruction counts. Under TCG absolute times mean little; compare ratios. Times:
{timing}. Host during the boots (other QEMU processes when each boot
started, load average when it ended): {'; '.join(res['host_during_boots']) or 'not recorded'}.

{tsc_note(res)}![interruptions over time](interruptions.png)

{tables(res)}
### The dirtying syscall really leaves a differential

`mmap(MAP_POPULATE)` of one anonymous page and its `munmap()` each change
`nr_anon_pages` (`NR_ANON_MAPPED`, a per-CPU node differential) by one page.
Global `/proc/vmstat` read right after each call:

{proof_table(res)}

Without quiescing the change stays in the CPU's differential (0: not yet
folded); with quiescing active it is in the global counter as soon as the
call returns (+1/-1): the return to user space folded it, so every call of
case (d) does the fold work. (The first activated call also folds what the
CPU had left over from before, hence an occasional +2 or +3; without
quiescing, a rare -1 is another CPU's fold landing in between.)

## Method

* **Cost** (`tools/bench/isol_cost.c`): each case runs in a fresh child
  pinned to the CPU (forked by the bench process, which stays on CPU 0, so
  that no fork allocates from the measured CPU's page lists), after a
  warm-up of a tenth of the iterations; time
  from `CLOCK_MONOTONIC` around the loop. `getpid()` is the raw
  `syscall(SYS_getpid)`. "(b')" is the same dirtying syscall pair without
  isolation, the right denominator for (d). Fork: the parent times
  `fork()`, the child's `_exit(0)` and `waitpid()`; with inheritance the
  parent has quiescing active with `ISOL_INHERIT_CONF|ISOL_INHERIT_ACTIVE`
  (so its own fork and wait returns quiesce too, and the child quiesces on
  its first return). **Page-fault loop**: each iteration is
  `madvise(MADV_DONTNEED)` of one page of a private anonymous mapping too
  small for a huge page, then a write to it: one system call and one page
  fault that puts a fresh folio into the CPU's `lru_add` batch (which the
  kernel drains by itself when it holds 31 folios). **The lru_drain cases**:
  (c2) is `getpid()` with both quiesce bits active (`quiesce_mask` 0x3:
  `vmstat_sync` + `lru_drain`), where each return to user space checks the
  batches and the counters and finds nothing to do; (d2) is the page-fault
  loop with both bits active, where the return from every fault drains the
  folio it just added (and folds the counters it changed), the worst case
  of the bit; the fault loop with `vmstat_sync` alone (0x1) separates the
  drain's share from the fold's. **Notification** (`ISOL_F_NOTIFY`, signo 0:
  count and trace only; the `getpid()` and page-fault loops): (n1) the
  plain loop of a task that does not use isolation while a sibling process,
  pinned to CPU 0 and asleep in `pause()`, has notification of exceptions
  and interrupts active, so that the static key `task_isol_notify_key` is
  on (the sibling is killed after the loop); (n2) the task notifies a class
  its loop does not cause: exceptions and interrupts for `getpid()` (no
  syscall work bit), interrupts only for the page-fault loop; (n3) every
  operation is a break: syscalls notified for `getpid()`, exceptions for the
  page-fault loop (the `madvise()` is no break), the tracepoint disabled.
  The kernel turns the key off only a second after the last notifying task
  stops (a deferred static key), so these cases run after the other cases
  of their loop, followed by a pause of 1.5 s; their `BENCH cost` lines
  carry `breaks=S,E,I`, how the task's break counters moved during the
  timed loop.
* **Instructions** (same program, `icount-*.log`): one more boot per
  kernel, with the same kernel command line plus `ti.part=cost`, under
  `qemu-system-x86_64 -icount shift=0,sleep=off`. QEMU then advances the
  guest's clocks by one nanosecond per executed guest instruction, so the
  same "ns per operation" figures count instructions: deterministic up to
  timer ticks and scheduling, and blind to the host's load, which the
  wall-clock figures are not on a shared 2-core machine. They ignore what
  instructions cost (cache misses, serialising instructions), which only
  real hardware shows.
* **Interruptions** (`tools/bench/isol_noise.c`): a task pinned to the
  target CPU starts the kernel's **osnoise tracer** on that CPU only with
  `NO_OSNOISE_WORKLOAD` (the tracer dispatches no thread of its own and only
  observes; the bench's task is the workload) plus the
  `workqueue:workqueue_execute_start` tracepoint, sleeps 2 s, then changes
  vmstat counters with syscalls only, as a real-time program does before
  its loop (2 MiB of small pages mapped, populated with
  `MADV_POPULATE_WRITE` after `MADV_NOHUGEPAGE`, and unmapped; 16 pages
  `mlock()`ed), then spins in user space for the window without any system
  call (it reads only the TSC, calibrated beforehand, so that not even a
  vDSO fallback can enter the kernel). Two `trace_marker` writes bracket the
  window. Counted in that CPU's buffer between the markers:
  `vmstat_update` executions (workqueue tracepoint), `osnoise:thread_noise`
  events of any thread other than the bench task (all thread noise;
  kworker noise), `irq_noise`, `softirq_noise`. **vmstat-related thread
  noise** is a `thread_noise` event of a kworker that executed
  `vmstat_update` inside that noise window: the workqueue event is logged
  while the kworker runs, the `thread_noise` event when it is switched out,
  so the per-CPU trace lists one before the other and the pairing is exact.
  Modes: *no quiescing*; *quiescing active* (configured and activated
  before the dirtying syscalls: every return folds); *one-shot*
  (configured, not active, during the dirtying syscalls; then one
  `PR_ISOL_ACTIVATE_SET` with `quiesce_oneshot_mask = ISOL_F_QUIESCE_VMSTATS`
  right before the loop). On the baseline kernel the prctls fail with
  `EINVAL`, so only *no quiescing* exists there.
* **LRU interruptions** (`tools/bench/isol_noise.c` modes `lru-off` and
  `lru-on`, `tools/bench/isol_lru_load.c`): the same instruments, with the
  `lru_add_drain_per_cpu` executions of the workqueue tracepoint counted
  and paired with thread noise as above (**LRU-related thread noise**).
  Before the runs, `isol_lru_load` starts on CPU 0: it sets transparent
  huge pages to `enabled=always` and khugepaged's `scan_sleep_millisecs`
  to 100 (default 10000), pins the khugepaged thread to CPU 0, keeps 8 MiB
  of huge pages of which it splits and re-touches half a huge page every
  500 ms (so khugepaged always has a region to scan and collapse, and calls
  `lru_add_drain_all()` on every pass), and writes 1 to
  `/proc/sys/vm/drop_caches` every 500 ms (`lru_add_drain_all()`
  unconditionally); it restores the THP settings when it stops. The task
  under test does the same setup as above, then, for the window, touches one
  fresh anonymous page at the start of every second and spins in user space
  otherwise: a program that now and then touches new memory. Without
  `lru_drain`, each touch leaves a folio in the CPU's batch, and the next
  `lru_add_drain_all()` queues `lru_add_drain_per_cpu` there, isolated CPU
  or not; with `lru_drain` active (`quiesce_mask` = `ISOL_F_QUIESCE_LRU`
  alone, so that `vmstat_update` on CPU 2 still shows), the return from the
  fault drains the batch first. On the baseline kernel only *no quiescing*
  exists.
* IRQ noise is mostly the timer tick (`CONFIG_HZ=250` on CPU 2; on the
  nohz_full CPU 1 the tick stops while the task spins, leaving a few per
  second): not vmstat work, and not something task isolation claims to
  remove.
"""


def plot_scenario(axes, data, rows, colors, styles, event, what, window):
    """Two rows of axes (events per run, thread noise histogram) of one scenario."""
    labels = dict((k, lbl) for lbl, k in rows)
    for col, cpu in enumerate((2, 1)):
        ax, ax2 = axes[0][col], axes[1][col]
        y, yticks, ylabels = 0, [], []
        for _, key in rows:
            e = data.get(f"cpu{cpu}/{key}")
            if not e:
                continue
            window = window or e["window_s"]["median"]
            runs = sorted(e["times"], key=lambda t: (t["boot"], t["rep"]))
            first = y
            for t in runs:
                ax.hlines(y, 0, e["window_s"]["max"], colors="lightgray", linewidth=0.6)
                ax.eventplot([t.get(event, [])], lineoffsets=y, linelengths=0.8,
                             colors=colors[key], linewidths=1.5)
                y += 1
            yticks.append((first + y - 1) / 2)
            count = "vmstat_update" if event == "vmstat_t" else "lru_drain"
            ylabels.append(f"{labels[key]}\n({len(runs)} runs, "
                           f"{e[count]['median']:g} median)")
            y += 1
            bins = [t["thread_bins"] for t in runs if t["thread_bins"]]
            if bins:
                nb = len(bins[0])
                w = e["window_s"]["median"] / nb
                mean = [sum(b[i] for b in bins) / len(bins) / w for i in range(nb)]
                xs = [i * w for i in range(nb + 1)]
                ax2.step(xs, mean + mean[-1:], where="post", color=colors[key],
                         label=labels[key], linewidth=1.8, linestyle=styles[key])
        ax.set_yticks(yticks)
        ax.set_yticklabels(ylabels, fontsize=8)
        ax.set_title(f"{CPU_NAME[cpu]}\n{what} (one row per run)", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        ax2.set_ylabel("thread noise events / s\n(osnoise, mean of runs)")
        ax2.set_xlabel("seconds into the user-space loop")
        ax2.grid(alpha=0.3)
        ax2.set_ylim(bottom=-0.3, top=max(1.0, ax2.get_ylim()[1]))
        ax2.legend(fontsize=8)
    return window


def plot(res, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"baseline/off": "tab:gray", "patched/off": "tab:red",
              "patched/on": "tab:green", "patched/oneshot": "tab:blue"}
    styles = {"baseline/off": "-", "patched/off": "--", "patched/on": "-",
              "patched/oneshot": ":"}
    lru = res.get("lru_noise") or {}
    nrows = 4 if lru else 2
    fig, axes = plt.subplots(nrows, 2, figsize=(14, 8.5 * nrows / 2), sharex=True,
                             gridspec_kw={"height_ratios": [3, 2] * (nrows // 2)})
    window = plot_scenario(axes[0:2], res["noise"], NOISE_ROWS, colors, styles, "vmstat_t",
                           "vmstat: vmstat_update executions", None)
    if lru:
        window = plot_scenario(axes[2:4], lru, LRU_ROWS, colors, styles, "lru_t",
                               "LRU: lru_add_drain_per_cpu executions", window)
    if window:
        axes[0][0].set_xlim(0, window)
    fig.suptitle("Interruptions of a task spinning in user space (make bench, QEMU TCG)\n"
                 "vmstat: after counter-changing syscalls"
                 + ("; LRU: one fresh page touched per second,\nwhile CPU 0 makes the kernel "
                    "drain every CPU's LRU batches" if lru else ""), fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.97 if lru else 0.98))
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--kernel-version", default="?")
    ap.add_argument("--host-cpus", default="?")
    ap.add_argument("--t0", type=int, default=0, help="epoch at which make bench started")
    ap.add_argument("--plot-only", action="store_true",
                    help="redraw interruptions.png from results.json")
    ap.add_argument("--icount-only", action="store_true",
                    help="only the instruction-count tables of icount-*.log, "
                    "in summary-icount.txt (scripts/bench.sh icount)")
    args = ap.parse_args()
    if args.icount_only:
        icount_only(args.dir)
        return
    jpath = os.path.join(args.dir, "results.json")
    if not args.plot_only:
        boots = parse_logs(args.dir)
        icount = parse_logs(args.dir, "icount")
        if not boots:
            sys.exit(f"no boot-*.log in {args.dir}")
        bad = [b["log"] for b in boots + icount if b["done"] != 0]
        if bad:
            sys.exit(f"incomplete or failed bench runs: {' '.join(bad)}")
        if {b["kernel"] for b in boots} != {"baseline", "patched"}:
            sys.exit("need logs of both the baseline and the patched kernel")
        res = build_results(boots, icount, args)
        if res["skipped_on_patched"]:
            sys.exit("cases skipped on the patched kernel: " + "; ".join(res["skipped_on_patched"]))
        with open(jpath, "w") as f:
            json.dump(res, f, indent=1)
        with open(os.path.join(args.dir, "REPORT.md"), "w") as f:
            f.write(report(res))
        with open(os.path.join(args.dir, "summary.txt"), "w") as f:
            f.write(tables(res))
    with open(jpath) as f:
        res = json.load(f)
    plot(res, os.path.join(args.dir, "interruptions.png"))


if __name__ == "__main__":
    main()
