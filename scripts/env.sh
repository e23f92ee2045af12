# Shared environment of up.sh and down.sh (sourced). Every value can be set from outside,
# which is how the end-to-end test runs a second system on free ports in a temp folder.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CLM_VAR_DIR="${CLM_VAR_DIR:-$ROOT/var}"
# The port make up used last time (var/run/port), so `source scripts/env.sh` in another shell
# talks to that system; 4200 when none was started.
if [ -z "${CLM_PORT:-}" ] && [ -f "$CLM_VAR_DIR/run/port" ]; then
  CLM_PORT="$(cat "$CLM_VAR_DIR/run/port")"
fi
export CLM_PORT="${CLM_PORT:-4200}"
export PREFECT_HOME="${PREFECT_HOME:-$CLM_VAR_DIR/prefect}"
export PREFECT_API_URL="${PREFECT_API_URL:-http://127.0.0.1:$CLM_PORT/api}"
export PREFECT_UI_URL="${PREFECT_UI_URL:-http://127.0.0.1:$CLM_PORT}"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT=false
# Results are not persisted by default: each persisted flow result shows on the run's page as
# a stray artifact without a name, and no flow needs them; the escalation, which must be
# suspended while it waits for approval, persists its own (persist_result in flows/escalation).
export PREFECT_RESULTS_PERSIST_BY_DEFAULT="${PREFECT_RESULTS_PERSIST_BY_DEFAULT:-false}"
# Every run sends a heartbeat this often (seconds, at least 30); the automation
# clm-run-zonder-hartslag marks a run Crashed when 90 s pass without one.
export PREFECT_FLOWS_HEARTBEAT_FREQUENCY="${PREFECT_FLOWS_HEARTBEAT_FREQUENCY:-30}"
export PREFECT_LOCAL_STORAGE_PATH="${PREFECT_LOCAL_STORAGE_PATH:-$PREFECT_HOME/storage}"
# The login of the Prefect server (production): "user:password" in a file only the service
# account can read (CLM_API_CREDENTIAL_FILE), or in PREFECT_SERVER_API_AUTH_STRING. The
# server requires it; workers, the CLI and the scripts send the same one.
if [ -n "${CLM_API_CREDENTIAL_FILE:-}" ]; then
  [ -r "$CLM_API_CREDENTIAL_FILE" ] || { echo "Inloggegevens $CLM_API_CREDENTIAL_FILE niet leesbaar" >&2; exit 1; }
  PREFECT_SERVER_API_AUTH_STRING="$(head -n 1 "$CLM_API_CREDENTIAL_FILE")"
  export PREFECT_SERVER_API_AUTH_STRING
fi
if [ -n "${PREFECT_SERVER_API_AUTH_STRING:-}" ]; then
  export PREFECT_API_AUTH_STRING="${PREFECT_API_AUTH_STRING:-$PREFECT_SERVER_API_AUTH_STRING}"
fi
LOG_DIR="$CLM_VAR_DIR/log"
RUN_DIR="$CLM_VAR_DIR/run"
VENV="${CLM_VENV:-$ROOT/.venv}"
PATH="$VENV/bin:$PATH"
POOL="${CLM_WORK_POOL:-clm}"
mkdir -p "$LOG_DIR" "$RUN_DIR"

running() {  # running NAME: true when the recorded process is alive
  local pidfile="$RUN_DIR/$1.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}
