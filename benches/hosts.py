"""The `hosts` scenario of benches/compare.sh (issue 18): 300 separate `show b0001` runs on a
host that grows from 1,000 to 4,000 to 16,000 interfaces, then the same at the largest size
while another process adds and deletes a bridge in a loop (churn). Imported by compare.py,
which owns the measuring and the report; this file sets the host up and prints the per-run
cost against the number of interfaces.

The bridge b0001 has two veth ports; the rest of the host is veth pairs that belong to no
bridge, made with `ip -batch`. A single bridge's ports cost the original a `readdir` of
brif/; over netlink they are a dump filtered by master, which the kernel answers by walking
every interface of the namespace under rtnl_lock. iproute2's equivalent is
`ip link show master b0001`.
"""

import os
import shlex
import signal
import subprocess
import time

import compare as c

SIZES = [1000, 4000] if c.QUICK else [1000, 4000, 16000]
RUNS = 100 if c.QUICK else 300
BRIDGE = "b0001"
PORTS = 2

GOALS = {("hosts", i): {"max_ratio": 0.8} for i in range(len(SIZES))}
GOALS[("churn", 0)] = {"max_ratio": 1.0}
# Ours from the first size to the last: less than 10 % more per run.
MAX_GROWTH = 1.10

TITLES = {"hosts": f"{RUNS}x show {BRIDGE}", "churn": f"{RUNS}x show {BRIDGE}, churn"}
UNITS = {"hosts": "ifaces", "churn": "ifaces"}

# Another process changing links all the time: each deletion of a bridge holds rtnl_lock
# for about 15 ms (an rcu_barrier).
CHURN = "while :; do ip link add bchurn type bridge && ip link del bchurn || sleep 0.01; done"


def interfaces():
    return len(os.listdir("/sys/class/net"))


def loop(cmd):
    body = f'i=0; while [ $i -lt {RUNS} ]; do {cmd} >/dev/null || exit 1; i=$((i+1)); done'
    return (["sh", "-c", body], None)


def programs():
    return {
        "ours": loop(f"{shlex.quote(c.OURS)} show {BRIDGE}"),
        "orig": loop(f"{shlex.quote(c.ORIG)} show {BRIDGE}"),
        "ip": loop(f"ip link show master {BRIDGE}"),
    }


def scenario_hosts():
    c.wait_quiet(why=" before hosts", since=c.scenario_start())
    lines = [f"link add {BRIDGE} type bridge"]
    for k in range(PORTS):
        lines += [f"link add v{k} type veth peer name p{k}", f"link set v{k} master {BRIDGE}"]
    c.run_batch_file("ip", lines)
    pairs = 0
    for idx, size in enumerate(SIZES):
        t = time.monotonic()
        # Veth pairs up to the size (two interfaces each).
        want = max(0, (size - interfaces()) // 2)
        c.run_batch_file("ip", [f"link add f{k} type veth peer name g{k}" for k in range(pairs, pairs + want)])
        pairs += want
        have = interfaces()
        c.say(f"== hosts: {RUNS} separate `brctl show {BRIDGE}` runs from sh, host with {have} interfaces "
              f"(set up in {time.monotonic() - t:.1f} s)")
        if abs(have - size) > 2:
            raise c.BenchError(f"expected about {size} interfaces, sysfs shows {have}")
        ok, text, _ = c.compare_outputs([c.OURS, "show", BRIDGE], [c.ORIG, "show", BRIDGE])
        c.sanity("hosts", idx, ok, text)
        c.wait_quiet(why=" before timing")
        c.measure("hosts", idx, size, f"{RUNS} runs, {have} interfaces", programs(), c.REPS)

    have = interfaces()
    c.say(f"== churn: the same at {have} interfaces while another process adds and deletes a bridge in a loop")
    churn = subprocess.Popen(["sh", "-c", CHURN], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(0.5)
        if churn.poll() is not None:
            raise c.BenchError("the churn loop stopped")
        ok, text, _ = c.compare_outputs([c.OURS, "show", BRIDGE], [c.ORIG, "show", BRIDGE])
        c.sanity("churn", 0, ok, text)
        c.measure("churn", 0, SIZES[-1], f"{RUNS} runs, {have} interfaces, churn", programs(), c.REPS)
    finally:
        os.killpg(churn.pid, signal.SIGTERM)
        churn.wait()


def report(recs):
    """Per-run cost against the number of interfaces, and the growth goal."""
    rows = [r for r in recs if r["scenario"] in ("hosts", "churn")]
    if not rows:
        return []
    c.say("")
    c.say(f"Per-run cost of `show {BRIDGE}` against the host's interfaces ({RUNS} runs each, median):")
    c.say(f"  {'interfaces':>16}  {'ours µs':>8}  {'original µs':>11}  {'iproute2 µs':>11}  {'ours/orig':>9}")
    for r in rows:
        med = {k: r["progs"].get(k, {}).get("median_ns") for k in c.PROGS}
        per = {k: (f"{med[k] / RUNS / 1e3:.0f}" if med[k] else "-") for k in c.PROGS}
        ratio = f"{med['ours'] / med['orig']:.3f}" if med["ours"] and med["orig"] else "-"
        size = f"{r['size']}" + (" + churn" if r["scenario"] == "churn" else "")
        c.say(f"  {size:>16}  {per['ours']:>8}  {per['orig']:>11}  {per['ip']:>11}  {ratio:>9}")
    hosts = {r["idx"]: r for r in rows if r["scenario"] == "hosts"}
    first, last = hosts.get(0), hosts.get(len(SIZES) - 1)
    if not first or not last or first is last:
        return []
    verdicts = []
    parts = []
    for k in c.PROGS:
        x, y = first["progs"].get(k, {}).get("median_ns"), last["progs"].get(k, {}).get("median_ns")
        parts.append(f"{c.NAMES[k]} x{y / x:.2f}" if x and y else f"{c.NAMES[k]} -")
        if k == "ours" and x and y:
            verdicts.append(y / x < MAX_GROWTH)
    met = ("yes" if verdicts[0] else "NO") if verdicts else "-"
    c.say(f"  growth from {first['size']} to {last['size']} interfaces: {', '.join(parts)} "
          f"(goal: ours < x{MAX_GROWTH:.2f}; met: {met})")
    return verdicts
