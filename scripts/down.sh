#!/usr/bin/env bash
# Stop what up.sh started, by the recorded PIDs (each started in its own process group).
set -uo pipefail
source "$(dirname "$0")/env.sh"
workers=$(cd "$RUN_DIR" && ls worker*.pid 2>/dev/null | sed 's/\.pid$//')
for name in $workers server; do
  pidfile="$RUN_DIR/$name.pid"
  if running "$name"; then
    pid=$(cat "$pidfile")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    echo "$name gestopt (pid $pid)."
  fi
  rm -f "$pidfile"
done
