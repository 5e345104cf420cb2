#!/usr/bin/env bash
# Benchmark: our brctl against the original (/usr/sbin/brctl, bridge-utils) and
# against iproute2 (ip / bridge), side by side in one run (issues #7 and #5).
#
#   bash benches/compare.sh            # full sizes, about 7 to 9 minutes
#   bash benches/compare.sh --quick    # small sizes, about 1 to 2 minutes (or BENCH_QUICK=1)
#
# Builds the release binary (statically linked on x86_64), then for each scenario builds a throwaway
# network namespace (unshare -Urnm, sysfs mounted again) with many bridges,
# ports or FDB entries and times the three programs ALTERNATELY (the first
# one rotates between repetitions). Prints every measurement as it goes, then
# a summary table: medians, the ratios ours/original and iproute2/original,
# peak RSS, and the goals of issue #7 (and #5 for the batch) next to them.
# A report, not a test: it exits 0 whether the goals are met or not, and
# non-zero only when it could not measure.
#
# Scenarios, each at two sizes (hosts at three; full, quick in brackets):
#   show      N bridges with a veth port each           1000, 2000  [100, 200]
#   loop      300 `brctl show brN` runs from sh on the   3000, 6000 interfaces
#             show host (ip: `ip link show master brN`)  [100 runs, 300, 600]
#   showstp   one bridge with P ports                    500, 1000   [100, 200]
#   showmacs  F static FDB entries over 4 ports          50k, 100k   [10k, 20k]
#   batch     `brctl -b FILE` with N addbr lines against N separate runs of the
#             original's addbr (ip: `ip -batch`), fresh namespace per run
#                                                        500, 1000   [100, 200]
#   hosts     300 `brctl show b0001` runs from sh on a host of I interfaces
#             (ip: `ip link show master b0001`)         1000, 4000, 16000 [100 runs, 1000, 4000]
#             then the same at the largest size while another process adds
#             and deletes a bridge in a loop (churn)
#
# Environment: BENCH_QUICK=1, BENCH_REPS (default 7, quick 5), BENCH_BATCH_REPS
# (default 3), BENCH_OURS=/path/to/brctl (skip the build and time that binary),
# BENCH_SCENARIOS="show showstp showmacs batch hosts" (a subset), BRCTL_BACKEND is
# passed through to ours, BENCH_DEBUG=1 shows every wait. Needs unshare
# (util-linux), python3, a C compiler, bridge-utils and iproute2; as root it
# installs what is missing with apt-get.
#
# Tearing bridges down is slow in the kernel (an rcu_barrier per bridge, with
# rtnl_lock held), so the script waits for the kernel to finish dismantling
# each namespace before it times anything; that waiting is most of the run time.
# Nothing outside the namespaces is touched; the temporary directory is removed.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

quick=${BENCH_QUICK:-0}
for arg in "$@"; do
  case $arg in
    -q|--quick) quick=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
case $quick in ""|0) quick=0 ;; *) quick=1 ;; esac

cd "$(dirname "$0")/.."
root=$PWD

# ---- tools
need=()
[ -x /usr/sbin/brctl ] || need+=(bridge-utils)
command -v ip >/dev/null 2>&1 && command -v bridge >/dev/null 2>&1 || need+=(iproute2)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v cc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]}" >&2
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >/dev/null
  else
    echo "compare.sh: missing ${need[*]}; install them (Debian: apt-get install ${need[*]})" >&2
    exit 1
  fi
fi
if ! unshare -Urnm true 2>/dev/null; then
  echo "compare.sh: cannot create user+network namespaces (unshare -Urnm); see /proc/sys/kernel/unprivileged_userns_clone" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/brctl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"

# ---- binaries: ours is copied so a rebuild during the run cannot change it
# The binary as it ships: on x86_64 linked statically (cargo build-static,
# .cargo/config.toml), as the Debian package builds it.
if [ "$(uname -m)" = x86_64 ]; then
  built=target/x86_64-unknown-linux-gnu/release/brctl
else
  built=target/release/brctl
fi
ours_from=${BENCH_OURS:-$built}
if [ -n "${BENCH_OURS:-}" ]; then
  cp "$BENCH_OURS" "$work/brctl-ours"
else
  echo "building the release binary..." >&2
  if [ "$(uname -m)" = x86_64 ]; then
    cargo build-static --quiet
  else
    cargo build --release --quiet
  fi
  cp "$built" "$work/brctl-ours"
fi
cc -O2 -static -o "$work/runstat" benches/runstat.c 2>/dev/null \
  || cc -O2 -o "$work/runstat" benches/runstat.c

export BENCH_QUICK=$quick BENCH_WORK=$work BENCH_RESULTS=$work/results.jsonl \
  BENCH_OURS=$work/brctl-ours BENCH_ORIG=/usr/sbin/brctl BENCH_RUNSTAT=$work/runstat
: >"$BENCH_RESULTS"

scenarios=${BENCH_SCENARIOS:-show showstp showmacs batch hosts}
echo "bridge-utils-rs benchmark, $([ "$quick" = 1 ] && echo quick || echo full) mode, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  ours:     $("$BENCH_OURS" -V 2>&1 | head -1) ($ours_from${BRCTL_BACKEND:+, BRCTL_BACKEND=$BRCTL_BACKEND})"
echo "  original: $(/usr/sbin/brctl -V 2>&1 | head -1) (/usr/sbin/brctl)"
echo "  iproute2: $(ip -V 2>&1 | head -1)"
echo "  kernel $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  repetitions: ${BENCH_REPS:-$([ "$quick" = 1 ] && echo 5 || echo 7)} (batch ${BENCH_BATCH_REPS:-3}, each in a fresh namespace), after one warm-up run each (not batch); wall-clock medians"
echo

start=$(date +%s)
status=0
for s in $scenarios; do
  case $s in show|showstp|showmacs|batch|hosts) ;; *) echo "unknown scenario $s" >&2; exit 2 ;; esac
  # A fresh user, network and mount namespace per scenario; sysfs mounted
  # again so that it shows this namespace's interfaces, and a tmpfs of its own
  # on /run, where ours takes its change lock: never this machine's /run.
  # shellcheck disable=SC2016  # $0 and $1 are for the inner sh
  BENCH_T0=$(date +%s.%N) unshare -Urnm sh -c 'mount -t sysfs sysfs /sys && mount -t tmpfs tmpfs /run && exec python3 "$0" "$1"' \
    "$root/benches/compare.py" "$s" || status=1
done
# Let the kernel finish dismantling the last namespace before we return.
unshare -Urn python3 "$root/benches/compare.py" wait-quiet

python3 "$root/benches/compare.py" report
echo
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); total $(( $(date +%s) - start )) s"
exit $status
