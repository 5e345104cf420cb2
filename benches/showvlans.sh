#!/usr/bin/env bash
# Benchmark (issue 14): `brctl showvlans` of a bridge with 64 ports and 4094 VLANs on each,
# against iproute2's `bridge vlan show` (and `bridge -c vlan show`, its compressed form), side by
# side in one boot of the User-Mode-Linux kernel (Debian's Linux 6.1, which has VLAN filtering;
# this machine's kernel has none). Two layouts:
#   compressed  every port has 1-4094 as one range: one entry a port
#   scattered   every port has every VLAN, untagged on every other one, so that no two
#               neighbours make a range: 4094 entries a port (set up with `brctl -b`)
# The programs are timed ALTERNATELY, BENCH_REPS times each (default 9), with benches/runstat.c
# inside UML; the report gives the medians and the ratio ours / `bridge vlan show` next to the
# goal (at most 0.5). A report, not a test: it exits 0 whether the goal is met or not.
#
#   bash benches/showvlans.sh          # a few minutes: build, boot, set-up, timing
#   BENCH_OURS=/path/to/brctl bash benches/showvlans.sh   # time that binary, skip the build
#
# Needs user-mode-linux, kmod, iproute2, python3 and a C compiler; as root it installs what is
# missing. Nothing outside UML is touched; the temporary directory is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${BENCH_REPS:-9}

need=()
command -v linux.uml >/dev/null 2>&1 || need+=(user-mode-linux)
[ -x /usr/sbin/modprobe ] || [ -x /sbin/modprobe ] || need+=(kmod)
command -v bridge >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "showvlans.sh: missing ${need[*]} (apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

work=$(mktemp -d /tmp/brctl-bench-vlan.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -m 1777 "$work/out"

if [ -n "${BENCH_OURS:-}" ]; then
  cp "$BENCH_OURS" "$work/brctl"
else
  cargo build-static >/dev/null 2>&1 || cargo build --release >/dev/null
  bin=target/x86_64-unknown-linux-gnu/release/brctl
  [ -x "$bin" ] || bin=target/release/brctl
  cp "$bin" "$work/brctl"
fi
cc -O2 -static -o "$work/runstat" benches/runstat.c 2>/dev/null || cc -O2 -o "$work/runstat" benches/runstat.c
echo "$reps" >"$work/reps"

# The set-up batches are written out here: inside UML every fork is slow.
python3 - "$work" <<'PY'
import sys, pathlib
work = pathlib.Path(sys.argv[1])
ports = range(64)
work.joinpath("links.batch").write_text("".join(
    f"link add p{i} type veth peer name q{i}\nlink set p{i} master br0\nlink set p{i} up\n" for i in ports))
work.joinpath("compressed.batch").write_text("".join(
    f"vlan del dev p{i} vid 1\nvlan add dev p{i} vid 1-4094\n" for i in ports))
# On top of the compressed layout, every odd VLAN untagged: brctl's own batch, which streams
# (iproute2's `bridge -batch` was killed for its memory on 262,000 lines inside UML).
work.joinpath("scattered.batch").write_text("".join(
    f"addvlan br0 p{i} {v} untagged\n" for i in ports for v in range(1, 4095, 2)))
PY

cat >"$work/init.sh" <<'SH'
#!/bin/sh
# PID 1 inside UML: the host's file system is / (hostfs), so /run gets a tmpfs of its own.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t tmpfs tmpfs /run
W=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^work=//p'); O=$W/out
log() { echo "$(cut -d' ' -f1 /proc/uptime) $*" >>"$O/log"; }
R=$(mktemp -d -p /run); mount -t tmpfs tmpfs "$R"; mkdir -p "$R/lib/modules"
ln -s "/usr/lib/uml/modules/$(uname -r)" "$R/lib/modules/"
modprobe -d "$R" bridge && modprobe -d "$R" veth || { log modules failed; echo o >/proc/sysrq-trigger; }
uname -r >"$O/kernel"
log boot
ip link add br0 type bridge vlan_filtering 1
ip link set br0 up
ip -batch "$W/links.batch"
log links
reps=$(cat "$W/reps")
for layout in compressed scattered; do
  case $layout in
    compressed) bridge -force -batch "$W/$layout.batch" 2>/dev/null ;;
    scattered) "$W/brctl" -f -b "$W/$layout.batch" ;;
  esac
  log "set up $layout"
  "$W/brctl" showvlans br0 | wc -l >"$O/$layout.lines.ours"
  bridge vlan show | wc -l >"$O/$layout.lines.bridge"
  rep=0
  while [ $rep -lt "$reps" ]; do
    for who in ours bridge bridgec; do
      case $who in
        ours) set -- "$W/brctl" showvlans br0 ;;
        bridge) set -- bridge vlan show ;;
        bridgec) set -- bridge -c vlan show ;;
      esac
      "$W/runstat" -o /run/r -- "$@" >/dev/null 2>>"$O/$layout.$who.err" && cat /run/r >>"$O/$layout.$who"
    done
    rep=$((rep + 1))
  done
  log "timed $layout"
done
echo done >"$O/done"
echo o >/proc/sysrq-trigger
SH
chmod 755 "$work/init.sh"

echo "booting User-Mode Linux ..." >&2
TMPDIR=/dev/shm timeout -k 5 1200 linux.uml mem=1536M rootfstype=hostfs rootflags=/ rw \
  init="$work/init.sh" work="$work" uml_dir="$work" con=null quiet </dev/null >/dev/null 2>&1 || true
cat "$work/out/log" >&2 2>/dev/null || true
[ -e "$work/out/done" ] || { echo "showvlans.sh: the run inside UML did not finish" >&2; exit 1; }

python3 - "$work/out" <<'PY'
import statistics, sys, pathlib
out = pathlib.Path(sys.argv[1])
print(f"kernel {out.joinpath('kernel').read_text().strip()} (User-Mode Linux), 64 ports, 4094 VLANs on each")
def median_ms(name):
    rows = [line.split() for line in out.joinpath(name).read_text().splitlines()]
    return statistics.median(int(r[0]) for r in rows) / 1e6, len(rows)
def user_ms(name):
    rows = [line.split() for line in out.joinpath(name).read_text().splitlines()]
    return statistics.median(int(r[4]) for r in rows) / 1e6
print(f"{'layout':<11} {'lines ours/bridge':>18} {'ours ms':>9} {'bridge ms':>10} {'bridge -c ms':>13} {'ours/bridge':>12} {'goal':>6} {'met':>4}")
met_all = True
for layout in ("compressed", "scattered"):
    ours, n = median_ms(f"{layout}.ours")
    bridge, _ = median_ms(f"{layout}.bridge")
    bridgec, _ = median_ms(f"{layout}.bridgec")
    lines = "/".join(out.joinpath(f"{layout}.lines.{who}").read_text().strip() for who in ("ours", "bridge"))
    ratio = ours / bridge
    met = ratio <= 0.5
    met_all &= met
    print(f"{layout:<11} {lines:>18} {ours:9.2f} {bridge:10.2f} {bridgec:13.2f} {ratio:12.3f} {'<=0.5':>6} {'yes' if met else 'NO':>4}"
          f"   ({n} runs each, medians; ours / bridge -c {ours / bridgec:.3f})")
    print(f"{'':<11} user CPU (medians): ours {user_ms(layout + '.ours'):.2f} ms, bridge {user_ms(layout + '.bridge'):.2f} ms,"
          f" bridge -c {user_ms(layout + '.bridgec'):.2f} ms; the rest of each run is the kernel's")
print("goal met" if met_all else "goal NOT met")
PY
