#!/usr/bin/env bash
# Run a command beside a throwaway local Ray head (2 CPUs), inside a network namespace that has only loopback
# (Ray would otherwise bind and probe the machine's network address). Needs root for `unshare -n`.
# The head keeps its files in its own temporary folder (not the machine-wide /tmp/ray) and is stopped by its PID
# at the end (never `ray stop`: that stops every Ray process on the machine).
# Usage: .ci/with_ray_head.sh COMMAND...   (the command sees ANOMALY_LAB_RAY_ADDRESS=127.0.0.1:6399)
set -euo pipefail
cd "$(dirname "$0")/.."
exec unshare -n bash -c '
  set -u
  ip link set lo up
  folder=$(mktemp -d /tmp/anomaly-lab-ray-XXXXXX)
  .venv/bin/ray start --head --port=6399 --num-cpus=2 --include-dashboard=false --disable-usage-stats \
    --temp-dir="$folder" --block > "$folder/head.log" 2>&1 &
  head=$!
  up=""
  for _ in $(seq 240); do (exec 3<>/dev/tcp/127.0.0.1/6399) 2>/dev/null && up=1 && break; sleep 0.5; done
  if [ -n "$up" ]; then
    export ANOMALY_LAB_RAY_ADDRESS=127.0.0.1:6399
    "$@"
    status=$?
  else
    echo "the Ray head did not start within 120 s; its log:" >&2
    tail -n 30 "$folder/head.log" >&2
    status=1
  fi
  kill "$head" 2>/dev/null; wait "$head" 2>/dev/null
  rm -rf "$folder"
  exit $status
' with-ray-head "$@"
