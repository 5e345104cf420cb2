#!/usr/bin/env python3
"""Driver for benches/compare.sh: sets up one scenario inside the namespace it
is started in, times the three programs alternately and appends the results to
a JSON-lines file; `report` prints the summary table from that file.

Not meant to be run by hand: compare.sh builds the binaries, starts each
scenario in a throwaway `unshare -Urnm` namespace and passes everything through
the environment (BENCH_OURS, BENCH_ORIG, BENCH_RUNSTAT, BENCH_WORK,
BENCH_RESULTS, BENCH_QUICK, BENCH_REPS, BENCH_BATCH_REPS).
"""

import json
import os
import socket
import struct
import re
import shlex
import statistics
import subprocess
import sys
import time

QUICK = os.environ.get("BENCH_QUICK", "0") not in ("", "0")
WORK = os.environ.get("BENCH_WORK", "/tmp")
RESULTS = os.environ.get("BENCH_RESULTS", os.path.join(WORK, "results.jsonl"))
OURS = os.environ.get("BENCH_OURS", "target/release/brctl")
ORIG = os.environ.get("BENCH_ORIG", "/usr/sbin/brctl")
RUNSTAT = os.environ.get("BENCH_RUNSTAT", os.path.join(WORK, "runstat"))
REPS = int(os.environ.get("BENCH_REPS") or (5 if QUICK else 7))
BATCH_REPS = int(os.environ.get("BENCH_BATCH_REPS") or 3)

# Two sizes per scenario; the second is twice the first so growth is easy to read.
SIZES = {
    "show": [100, 200] if QUICK else [1000, 2000],  # bridges, one veth port each
    "showstp": [100, 200] if QUICK else [500, 1000],  # ports of one bridge
    "showmacs": [10000, 20000] if QUICK else [50000, 100000],  # static FDB entries
    "batch": [100, 200] if QUICK else [500, 1000],  # addbr lines
}
LOOP_RUNS = 100 if QUICK else 300  # `brctl show brN` runs per loop (in the show namespaces)
FDB_PORTS = 4

PROGS = ("ours", "orig", "ip")
NAMES = {"ours": "ours", "orig": "original", "ip": "iproute2"}

# Acceptance of issue #7 (and #5 for the batch): ratio ours/original at most `max_ratio`,
# and for showmacs a peak RSS at most half the original's.
GOALS = {
    ("show", 0): {"max_ratio": 0.07},
    ("show", 1): {"max_ratio": 0.07},
    ("showstp", 0): {"max_ratio": 0.20},
    ("showstp", 1): {"max_ratio": 0.20},
    ("showmacs", 0): {"max_ratio": 0.6, "max_rss": 0.5},
    ("showmacs", 1): {"max_ratio": 0.4, "max_rss": 0.5},
    # The issue sets this goal on a host with 3000 interfaces; the second size
    # (6000) is there to show growth (issue 18's scenario `hosts` goes further).
    ("loop", 0): {"max_ratio": 1.0},
    ("batch", 0): {"max_ratio": 1 / 3, "label": ">=3x"},
    ("batch", 1): {"max_ratio": 1 / 3, "label": ">=3x"},
}


class BenchError(Exception):
    pass


FAILURES = []  # programs that could not be measured; the scenario then exits 1


def say(*args):
    print(*args, flush=True)


# ---------------------------------------------------------------- helpers


def netns_busy():
    """True while the kernel is tearing down a network namespace somewhere on
    the machine (a kworker runs the `netns` workqueue). Tearing down bridges
    holds rtnl_lock for ~15 ms a bridge, which would stall whatever we time."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                if "+netns" in f.read():
                    return True
        except OSError:
            pass
    return False


def rtnl_latency():
    """Seconds one rtnl_lock-taking request needs (setting lo up in our own namespace);
    it waits for a teardown that holds the lock."""
    t = time.monotonic()
    subprocess.run(["ip", "link", "set", "dev", "lo", "up"], stdin=subprocess.DEVNULL, check=False)
    return time.monotonic() - t


def wait_quiet(limit=240.0, why="", since=None, quiet=False):
    """Wait until no network namespace is being torn down (0.3 s without a netns worker
    and a prompt rtnl request): the previous scenario's namespace goes away
    asynchronously, and its bridges keep rtnl_lock for ~15 ms each."""
    start = time.monotonic()
    # Creating this scenario's namespace may itself have waited for an old one to go.
    before = max(0.0, time.time() - since) if since else 0.0
    calm = 0
    while True:
        if time.monotonic() - start > limit:
            say(f"  (gave up waiting for network namespace teardown after {limit:.0f} s)")
            return
        calm = 0 if netns_busy() else calm + 1
        if calm >= 5:
            if rtnl_latency() < 0.1:
                break
            calm = 0
        time.sleep(0.06)
    waited = max(0.0, time.monotonic() - start - 0.3 + before)
    if not quiet and (waited > 2 or os.environ.get("BENCH_DEBUG")):
        say(f"  (waited {waited:.1f} s for the kernel to tear down old namespaces{why})")
    return waited


def run_batch_file(tool, lines):
    path = os.path.join(WORK, "setup.batch")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run([tool, "-batch", path], check=True, stdin=subprocess.DEVNULL)


def output(cmd):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def bridges_in_sysfs():
    return sum(1 for n in os.listdir("/sys/class/net") if os.path.isdir(f"/sys/class/net/{n}/bridge"))


TIMER = re.compile(r"\b\d+\.\d\d\b")


def compare_outputs(cmd_ours, cmd_orig, timers=False):
    """Same bytes as the original? Timers are masked where they tick between two runs."""
    rc1, out1, err1 = output(cmd_ours)
    rc2, out2, err2 = output(cmd_orig)
    if rc1 != 0 or rc2 != 0:
        return False, f"exit ours {rc1}, original {rc2}: {(err1 or err2).strip()[:200]}", out2
    a, b = (TIMER.sub("T", out1), TIMER.sub("T", out2)) if timers else (out1, out2)
    if a == b:
        return True, "identical to the original" + (" (timers masked)" if timers else ""), out2
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return False, f"DIFFERS at line {i + 1}: ours {x!r}, original {y!r}", out2
    return False, f"DIFFERS: ours {len(la)} lines, original {len(lb)}", out2


def run_once(cmd, fresh=False, check=None):
    res = os.path.join(WORK, "runstat.out")
    err = os.path.join(WORK, "runstat.err")
    args = [RUNSTAT, "-o", res]
    if fresh:
        args.append("-n")
    if check:
        args += ["-c", check]
    args += ["--"] + cmd
    with open(os.devnull, "w") as null, open(err, "w") as errf:
        p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=null, stderr=errf)
    with open(err) as f:
        errtext = f.read().strip()
    if p.returncode != 0:
        raise BenchError(f"runstat failed ({p.returncode}): {errtext[:300]}")
    with open(res) as f:
        ns, rss, status, check_status, user_ns = (int(x) for x in f.read().split())
    if status != 0:
        raise BenchError(f"exit status {status}: {errtext[:300]}")
    if check_status != 0:
        raise BenchError(f"check `{check}` failed ({check_status}): {errtext[:300]}")
    return ns, rss, user_ns


def measure(scenario, idx, size, label, progs, reps, warmup=True, fresh=False, note=""):
    """progs: {key: (cmd, check)}. Alternates the programs, rotating who goes first."""
    keys = [k for k in PROGS if k in progs]
    times = {k: [] for k in keys}
    rss = {k: [] for k in keys}
    user = {k: [] for k in keys}
    errors = {}
    waited = 0.0
    t_start = time.monotonic()
    if warmup:
        for k in keys:
            try:
                run_once(progs[k][0], fresh, progs[k][1])
            except BenchError as e:
                errors[k] = str(e)
    for r in range(reps):
        order = keys[r % len(keys):] + keys[: r % len(keys)]
        for k in order:
            if k in errors:
                continue
            if fresh:
                waited += wait_quiet(quiet=True)
            try:
                ns, kb, user_ns = run_once(progs[k][0], fresh, progs[k][1])
            except BenchError as e:
                errors[k] = str(e)
                continue
            times[k].append(ns)
            rss[k].append(kb)
            user[k].append(user_ns)
    if fresh:
        waited += wait_quiet(quiet=True)
        note += f", {waited:.0f} s of it waiting for the kernel to tear the namespaces down"
    rec = {"scenario": scenario, "idx": idx, "size": size, "label": label, "reps": reps,
           "note": note, "progs": {}}
    say(f"  {label}: {reps} alternating repetitions in {time.monotonic() - t_start:.1f} s{note}")
    for k in keys:
        cmd = " ".join(shlex.quote(c) for c in progs[k][0]).replace(WORK + "/", "")
        if len(cmd) > 90:
            cmd = cmd[:87] + "..."
        if times[k]:
            med = statistics.median(times[k])
            entry = {"median_ns": med, "min_ns": min(times[k]), "max_ns": max(times[k]),
                     "rss_kb": max(rss[k]), "user_ns": statistics.median(user[k]), "runs": len(times[k]),
                     "cmd": cmd}
            say(f"    {NAMES[k]:9} median {med / 1e6:9.2f} ms  (min {min(times[k]) / 1e6:.2f}, "
                f"max {max(times[k]) / 1e6:.2f})  peak RSS {max(rss[k]):6d} KB   $ {cmd}")
        else:
            entry = {"cmd": cmd}
        if k in errors:
            FAILURES.append(f"{label}: {NAMES[k]}")
            entry["error"] = errors[k]
            say(f"    {NAMES[k]:9} FAILED: {errors[k]}   $ {cmd}")
        rec["progs"][k] = entry
    o, g = rec["progs"].get("ours", {}), rec["progs"].get("orig", {})
    if "median_ns" in o and "median_ns" in g:
        say(f"    ratio ours/original {o['median_ns'] / g['median_ns']:.3f}")
    with open(RESULTS, "a") as f:
        f.write(json.dumps(rec) + "\n")
    return rec


def sanity(scenario, idx, ok, text):
    say(f"  output check: {text}")
    with open(RESULTS, "a") as f:
        f.write(json.dumps({"check": scenario, "idx": idx, "ok": ok, "text": text}) + "\n")


def kernel_fdb_dump_ns(bridge, reps):
    """Median time of the kernel's own AF_BRIDGE neighbour dump of `bridge`
    (what every tool's showmacs waits for), read in place, nothing decoded."""
    with open(f"/sys/class/net/{bridge}/ifindex") as f:
        index = int(f.read())
    # ifinfomsg with IFLA_MASTER: the kernel filters the dump by bridge.
    body = struct.pack("BxHiII", 7, 0, 0, 0, 0) + struct.pack("HHI", 8, 10, index)
    request = struct.pack("IHHII", 16 + len(body), 30, 0x301, 1, 0) + body
    buf = bytearray(65536)
    times = []
    for _ in range(reps):
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) as s:
            s.bind((0, 0))
            t = time.perf_counter_ns()
            s.send(request)
            while True:
                n = s.recv_into(buf)
                # Only the ends are looked at, so that Python's pace does not
                # count: an error comes alone, NLMSG_DONE (20 bytes) comes last.
                if n >= 16 and struct.unpack_from("H", buf, 4)[0] in (2, 3):
                    break
                if n >= 20 and struct.unpack_from("IH", buf, n - 20) == (20, 3):
                    break
            times.append(time.perf_counter_ns() - t)
    return statistics.median(times)


def record_kernel(scenario, idx, size, median_ns):
    say(f"  kernel's dump alone (no decoding, no output) median {median_ns / 1e6:.2f} ms")
    with open(RESULTS, "a") as f:
        f.write(json.dumps({"kernel": scenario, "idx": idx, "size": size, "median_ns": median_ns}) + "\n")


# ---------------------------------------------------------------- scenarios


def scenario_start():
    """Wall-clock time at which compare.sh started this scenario's `unshare` (BENCH_T0)."""
    t0 = os.environ.get("BENCH_T0")
    return float(t0) if t0 else None


def scenario_show():
    """N bridges, each with one veth port whose peer stays outside: 3N interfaces.
    The same namespace serves the loop of single-bridge `show brN` runs."""
    wait_quiet(why=" before show", since=scenario_start())
    have = 0
    for idx, n in enumerate(SIZES["show"]):
        t = time.monotonic()
        lines = []
        for i in range(have, n):
            lines += [f"link add br{i} type bridge", f"link add v{i} type veth peer name p{i}",
                      f"link set v{i} master br{i}"]
        run_batch_file("ip", lines)
        have = n
        if bridges_in_sysfs() != n:
            raise BenchError(f"expected {n} bridges, sysfs shows {bridges_in_sysfs()}")
        ifs = len(os.listdir("/sys/class/net"))
        say(f"== show: {n} bridges with a port each ({ifs} interfaces; set up in {time.monotonic() - t:.1f} s)")
        ok, text, _ = compare_outputs([OURS, "show"], [ORIG, "show"])
        sanity("show", idx, ok, text)
        measure("show", idx, n, f"show, {n} bridges", {
            "ours": ([OURS, "show"], None),
            "orig": ([ORIG, "show"], None),
            "ip": (["ip", "-d", "link", "show", "type", "bridge"], None),
        }, REPS)

        say(f"== loop: {LOOP_RUNS} separate `brctl show brN` runs from sh, host with {ifs} interfaces")
        ok, text, _ = compare_outputs([OURS, "show", "br1"], [ORIG, "show", "br1"])
        sanity("loop", idx, ok, text)

        def loop(cmd):
            body = f'i=0; while [ $i -lt {LOOP_RUNS} ]; do {cmd} >/dev/null || exit 1; i=$((i+1)); done'
            return (["sh", "-c", body], None)

        measure("loop", idx, ifs, f"{LOOP_RUNS} runs, {ifs} interfaces", {
            "ours": loop(f"{shlex.quote(OURS)} show br$i"),
            "orig": loop(f"{shlex.quote(ORIG)} show br$i"),
            "ip": loop("ip link show master br$i"),
        }, REPS)


def scenario_showstp():
    """One bridge with P ports: P/2 veth pairs with both ends enslaved (bridge down, no loop)."""
    wait_quiet(why=" before showstp", since=scenario_start())
    run_batch_file("ip", ["link add br0 type bridge"])
    have = 0
    for idx, p in enumerate(SIZES["showstp"]):
        t = time.monotonic()
        lines = []
        for k in range(have // 2, p // 2):
            lines += [f"link add a{k} type veth peer name b{k}", f"link set a{k} master br0",
                      f"link set b{k} master br0"]
        run_batch_file("ip", lines)
        have = p
        ports = len(os.listdir("/sys/class/net/br0/brif"))
        if ports != p:
            raise BenchError(f"expected {p} ports, sysfs shows {ports}")
        say(f"== showstp: one bridge with {p} ports (set up in {time.monotonic() - t:.1f} s)")
        ok, text, _ = compare_outputs([OURS, "showstp", "br0"], [ORIG, "showstp", "br0"], timers=True)
        sanity("showstp", idx, ok, text)
        measure("showstp", idx, p, f"showstp, {p} ports", {
            "ours": ([OURS, "showstp", "br0"], None),
            "orig": ([ORIG, "showstp", "br0"], None),
            "ip": (["ip", "-d", "link", "show", "master", "br0"], None),
        }, REPS)


def mac(i):
    return "02:%02x:%02x:%02x:%02x:%02x" % ((i >> 32) & 255, (i >> 24) & 255, (i >> 16) & 255,
                                            (i >> 8) & 255, i & 255)


def scenario_showmacs():
    """One bridge, FDB_PORTS veth ports, F static FDB entries spread over them."""
    wait_quiet(why=" before showmacs", since=scenario_start())
    lines = ["link add br0 type bridge"]
    for k in range(FDB_PORTS):
        lines += [f"link add v{k} type veth peer name p{k}", f"link set v{k} master br0"]
    run_batch_file("ip", lines)
    have = 0
    for idx, n in enumerate(SIZES["showmacs"]):
        t = time.monotonic()
        run_batch_file("bridge", [f"fdb add {mac(i)} dev v{i % FDB_PORTS} master static"
                                  for i in range(have, n)])
        have = n
        ok, text, orig_out = compare_outputs([OURS, "showmacs", "br0"], [ORIG, "showmacs", "br0"],
                                             timers=True)
        entries = max(0, len(orig_out.splitlines()) - 1)
        say(f"== showmacs: {n} static FDB entries over {FDB_PORTS} ports "
            f"({entries} lines in the original's output; set up in {time.monotonic() - t:.1f} s)")
        if entries < n:
            raise BenchError(f"expected at least {n} FDB entries, the original shows {entries}")
        sanity("showmacs", idx, ok, text)
        measure("showmacs", idx, n, f"showmacs, {n} entries", {
            "ours": ([OURS, "showmacs", "br0"], None),
            "orig": ([ORIG, "showmacs", "br0"], None),
            "ip": (["bridge", "fdb", "show", "br", "br0"], None),
        }, REPS)
        record_kernel("showmacs", idx, n, kernel_fdb_dump_ns("br0", REPS))


def scenario_batch():
    """Issue #5: `brctl -b FILE` with N addbr lines against N runs of the original's addbr
    (and `ip -batch` with N `link add ... type bridge`). Each run gets a fresh network
    namespace (runstat -n), so every repetition starts from an empty host."""
    wait_quiet(why=" before batch", since=scenario_start())
    for idx, n in enumerate(SIZES["batch"]):
        f_ours = os.path.join(WORK, f"addbr-{n}.brctl")
        f_orig = os.path.join(WORK, f"addbr-{n}.sh")
        f_ip = os.path.join(WORK, f"addbr-{n}.ip")
        with open(f_ours, "w") as f:
            f.writelines(f"addbr b{i}\n" for i in range(n))
        with open(f_orig, "w") as f:
            f.writelines(f"{shlex.quote(ORIG)} addbr b{i}\n" for i in range(n))
        with open(f_ip, "w") as f:
            f.writelines(f"link add b{i} type bridge\n" for i in range(n))
        check = f'set -- /sys/class/net/*/bridge; test $# -eq {n}'
        say(f"== batch: {n} addbr: `brctl -b FILE` (ours) vs {n} runs of the original's addbr "
            f"(fresh namespace each run; each run's {n} bridges verified)")
        measure("batch", idx, n, f"{n} addbr", {
            "ours": ([OURS, "-b", f_ours], check),
            "orig": (["sh", "-e", f_orig], check),
            "ip": (["ip", "-batch", f_ip], check),
        }, BATCH_REPS, warmup=False, fresh=True)


# ---------------------------------------------------------------- report


def fmt_ms(ns):
    if ns is None:
        return "-"
    ms = ns / 1e6
    return f"{ms:.1f}" if ms >= 100 else f"{ms:.2f}"


def report():
    recs, checks, kernel = [], {}, {}
    if os.path.exists(RESULTS):
        with open(RESULTS) as f:
            for line in f:
                r = json.loads(line)
                if "check" in r:
                    checks[(r["check"], r["idx"])] = r
                elif "kernel" in r:
                    kernel.setdefault(r["kernel"], {})[r["idx"]] = r
                else:
                    recs.append(r)
    titles = {"show": "show", "showstp": "showstp", "showmacs": "showmacs",
              "loop": f"{LOOP_RUNS}x show <br>", "batch": "addbr batch", **hosts.TITLES}
    units = {"show": "bridges", "showstp": "ports", "showmacs": "entries", "loop": "ifaces", "batch": "lines",
             **hosts.UNITS}
    head = ["scenario", "size", "ours ms", "orig ms", "ip ms", "ours/orig", "ip/orig",
            "peak RSS KB ours/orig/ip", "goal", "met", "output"]
    rows = []
    verdicts = []
    for r in recs:
        p = r["progs"]
        med = {k: p.get(k, {}).get("median_ns") for k in PROGS}
        kb = {k: p.get(k, {}).get("rss_kb") for k in PROGS}
        ratio = med["ours"] / med["orig"] if med["ours"] and med["orig"] else None
        ipratio = med["ip"] / med["orig"] if med["ip"] and med["orig"] else None
        rssratio = kb["ours"] / kb["orig"] if kb["ours"] and kb["orig"] else None
        goal = GOALS.get((r["scenario"], r["idx"]), {})
        gtext, met = "", ""
        if goal:
            parts = [goal.get("label") or f"<={goal['max_ratio']:.2f}"]
            ok = ratio is not None and ratio <= goal["max_ratio"]
            if "max_rss" in goal:
                parts.append(f"RSS<={goal['max_rss']:.1f}")
                ok = ok and rssratio is not None and rssratio <= goal["max_rss"]
            gtext, met = " ".join(parts), ("yes" if ok else "NO")
            verdicts.append(ok)
        if r["scenario"] == "batch" and ratio:
            ratio_text = f"{ratio:.3f} ({1 / ratio:.1f}x)"
        else:
            ratio_text = f"{ratio:.3f}" if ratio is not None else "-"
        chk = checks.get((r["scenario"], r["idx"]))
        out = "-" if chk is None else ("same" if chk["ok"] else "DIFF")
        if r["scenario"] == "batch":
            out = "checked"
        if any("error" in p.get(k, {}) for k in PROGS):
            out = "FAILED"
        rows.append([titles[r["scenario"]], f"{r['size']} {units[r['scenario']]}",
                     fmt_ms(med["ours"]), fmt_ms(med["orig"]), fmt_ms(med["ip"]), ratio_text,
                     f"{ipratio:.3f}" if ipratio is not None else "-",
                     "/".join(str(kb[k]) if kb[k] else "-" for k in PROGS)
                     + (f" ({rssratio:.2f})" if rssratio else ""),
                     gtext, met, out])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    say("")
    say(f"== Summary ({'quick' if QUICK else 'full'} mode; medians of alternating runs; "
        f"goals from issue #7, batch from issue #5{', stated for the full sizes' if QUICK else ''})")
    say(line(head))
    say(line(["-" * w for w in widths]))
    for row in rows:
        say(line(row))

    say("")
    say("Growth from the first size to the second (time ratio; linear means about the size ratio):")
    by = {}
    for r in recs:
        by.setdefault(r["scenario"], {})[r["idx"]] = r
    for s, pair in by.items():
        if 0 in pair and 1 in pair:
            a, b = pair[0], pair[1]
            parts = []
            for k in PROGS:
                x, y = a["progs"].get(k, {}).get("median_ns"), b["progs"].get(k, {}).get("median_ns")
                parts.append(f"{NAMES[k]} x{y / x:.2f}" if x and y else f"{NAMES[k]} -")
            say(f"  {titles[s]:14} size x{b['size'] / a['size']:.2f}: " + ", ".join(parts))
            # User CPU time is the program's own work, apart from the kernel's
            # (which samples it by ticks: read it roughly).
            users = []
            for key in PROGS:
                x, y = a["progs"].get(key, {}).get("user_ns"), b["progs"].get(key, {}).get("user_ns")
                if x and y:
                    users.append(f"{NAMES[key]} x{y / x:.2f} ({x / 1e6:.1f} -> {y / 1e6:.1f} ms)")
            if users:
                say(f"  {'':14} user CPU time: " + ", ".join(users))
            k = kernel.get(s, {})
            if 0 in k and 1 in k:
                # The kernel restarts its FDB walk at the head for every 32 KB
                # of reply, so its dump alone grows faster than the entries.
                ka, kb = k[0]["median_ns"], k[1]["median_ns"]
                say(f"  {'':14} the kernel's dump alone x{kb / ka:.2f} ({ka / 1e6:.1f} -> {kb / 1e6:.1f} ms, "
                    "timed apart from the programs)")
    verdicts += hosts.report(recs)
    if verdicts:
        say("")
        say(f"Goals met: {sum(verdicts)} of {len(verdicts)}")


# benches/hosts.py (issue 18) uses this module's helpers: the same module, not a second copy.
sys.modules.setdefault("compare", sys.modules[__name__])
import hosts  # noqa: E402

GOALS.update(hosts.GOALS)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    what = sys.argv[1]
    try:
        if what == "report":
            report()
        elif what == "wait-quiet":
            wait_quiet(why=" at the end")
        else:
            try:
                {"show": scenario_show, "showstp": scenario_showstp, "showmacs": scenario_showmacs,
                 "batch": scenario_batch, "hosts": hosts.scenario_hosts}[what]()
            finally:
                # Our sysfs mount pins the namespace; drop it so teardown starts at exit.
                subprocess.run(["umount", "/sys"], stderr=subprocess.DEVNULL, check=False)
            if FAILURES:
                say(f"  could not measure: {', '.join(FAILURES)}")
                sys.exit(1)
    except (BenchError, subprocess.CalledProcessError) as e:
        say(f"  scenario {what} stopped: {e}")
        with open(RESULTS, "a") as f:
            f.write(json.dumps({"check": what, "idx": -1, "ok": False, "text": str(e)}) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
