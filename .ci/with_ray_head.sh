#!/usr/bin/env bash
# Run a command beside a throwaway local Ray head (2 CPUs), inside a network namespace that has only loopback
# (Ray would otherwise bind and probe the machine's network address). Needs root for `unshare -n`.
# The head is stopped by its PID at the end (never `ray stop`: that stops every Ray process on the machine).
# Usage: .ci/with_ray_head.sh COMMAND...   (the command sees ANOMALY_LAB_RAY_ADDRESS=127.0.0.1:6399)
set -euo pipefail
cd "$(dirname "$0")/.."
exec unshare -n bash -c '
  set -u
  ip link set lo up
  .venv/bin/ray start --head --port=6399 --num-cpus=2 --include-dashboard=false --disable-usage-stats --block \
    > "${TMPDIR:-/tmp}/anomaly-lab-ray-head.log" 2>&1 &
  head=$!
  for _ in $(seq 120); do (exec 3<>/dev/tcp/127.0.0.1/6399) 2>/dev/null && break; sleep 0.5; done
  export ANOMALY_LAB_RAY_ADDRESS=127.0.0.1:6399
  "$@"
  status=$?
  kill "$head"; wait "$head" 2>/dev/null
  exit $status
' with-ray-head "$@"
