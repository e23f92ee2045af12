#!/usr/bin/env bash
# Start the whole system on its embedded default: database, demo region, Prefect server,
# work pool, deployments and a worker. Safe to run again: what runs is left running.
# Production: see README "Production"; CLM_WORKERS=2 starts two workers, CLM_LOAD_DEMO=0
# skips the demo region, and the database URLs come from CLM_DATABASE_URL and
# PREFECT_API_DATABASE_CONNECTION_URL (PostgreSQL).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

# Production (the Prefect server on PostgreSQL) never runs an open server: anyone who can
# reach the port could start runs and read every artifact.
if [[ "${PREFECT_API_DATABASE_CONNECTION_URL:-}" == postgresql* ]] \
   && [ -z "${PREFECT_SERVER_API_AUTH_STRING:-}" ]; then
  echo "Productie zonder inlog geweigerd: zet CLM_API_CREDENTIAL_FILE (een bestand met" \
       "gebruiker:wachtwoord) of PREFECT_SERVER_API_AUTH_STRING; zie README, Productie." >&2
  exit 1
fi

echo "Database bijwerken (Alembic)…"
clm db-upgrade
if [ "${CLM_LOAD_DEMO:-1}" = "1" ]; then
  echo "Demoregio laden…"
  clm load-demo
fi

if running server; then
  echo "Prefect-server draait al (pid $(cat "$RUN_DIR/server.pid"))."
else
  echo "Prefect-server starten op $PREFECT_UI_URL (log: $LOG_DIR/server.log)…"
  setsid nohup python "$ROOT/scripts/prefect_server.py" --host 127.0.0.1 --port "$CLM_PORT" \
    >>"$LOG_DIR/server.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/server.pid"
  echo "$CLM_PORT" >"$RUN_DIR/port"
fi
for _ in $(seq 1 180); do
  python -c "import urllib.request,sys; urllib.request.urlopen('$PREFECT_API_URL/health', timeout=2)" \
    2>/dev/null && break
  running server || { echo "De server is gestopt; zie $LOG_DIR/server.log" >&2; exit 1; }
  sleep 1
done
python -c "import urllib.request; urllib.request.urlopen('$PREFECT_API_URL/health', timeout=5)" \
  || { echo "De server antwoordt niet; zie $LOG_DIR/server.log" >&2; exit 1; }

prefect work-pool inspect "$POOL" >/dev/null 2>&1 \
  || prefect work-pool create "$POOL" --type process >/dev/null
# Deploy only when prefect.yaml, a flow or the region config (the staff in the forms' pick
# lists) changed, or the server lacks the deployments:
# deploying again recreates the automations, and a recreated automation forgets the runs it
# was watching (a run whose worker just died would never be marked crashed).
stamp="$PREFECT_HOME/deployed.sha256"
wanted=$({ cat prefect.yaml flows/*.py; cat "${CLM_REGION_CONFIG:-config/region.yaml}" 2>/dev/null || true; } \
  | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ] \
   && prefect deployment inspect daily-sweep/dagelijkse-ronde >/dev/null 2>&1; then
  echo "Deployments ongewijzigd."
else
  echo "Deployments uit prefect.yaml…"
  prefect --no-prompt deploy --all >>"$LOG_DIR/deploy.log" 2>&1 \
    || { echo "prefect deploy mislukt; zie $LOG_DIR/deploy.log" >&2; exit 1; }
  python "$ROOT/scripts/prune_deployments.py" "$ROOT" \
    || { echo "Verouderde deployments opruimen mislukt" >&2; exit 1; }
  echo "$wanted" >"$stamp"
fi

for i in $(seq 1 "${CLM_WORKERS:-1}"); do
  name=worker; [ "$i" -gt 1 ] && name="worker-$i"
  if running "$name"; then
    echo "Worker $i draait al (pid $(cat "$RUN_DIR/$name.pid"))."
  else
    setsid nohup prefect worker start --pool "$POOL" --type process --name "clm-$name" \
      >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/$name.pid"
    echo "Worker $i gestart (log: $LOG_DIR/$name.log)."
  fi
done
echo
echo "Klaar. Prefect UI: $PREFECT_UI_URL"
