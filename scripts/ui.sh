#!/usr/bin/env bash
# `make ui`: a local Prefect server and UI, the work pool, a worker, the sandbox apps and the deployments.
# Everything runs in the background on loopback; `make ui-stop` stops it. Logs are in .prefect/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DATASHARE_HOME="$PWD"
export PREFECT_API_URL="http://127.0.0.1:4200/api"
export DEMO_XERO_CLIENT_SECRET="${DEMO_XERO_CLIENT_SECRET:-sandbox-xero-secret-Xk2v9QmT4pLr8sWz3nBy6cHd}"
export DEMO_AU_VTIGER_ACCESS_KEY="${DEMO_AU_VTIGER_ACCESS_KEY:-dsVtigerAdmin26k}"
export DEMO_US_VTIGER_ACCESS_KEY="${DEMO_US_VTIGER_ACCESS_KEY:-dsVtigerAdmin26k}"
export DEMO_DEPUTY_TOKEN="${DEMO_DEPUTY_TOKEN:-dsDeputyPermanent26k}"
mkdir -p .prefect/logs

port_free() {  # port: fails, saying what to do, when something already listens there
  if "$BIN/python" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1" 2>/dev/null; then
    echo "port $1 is taken (an earlier \`make ui\` or a demo?): stop it with \`make ui-stop\`, or free port $1" >&2
    exit 1
  fi
}

wait_for() {  # url, what, log: polls until the URL answers (below 500); a cold, busy machine can take minutes
  for _ in $(seq 1 300); do
    if "$BIN/python" -c "import httpx,sys; sys.exit(httpx.get(sys.argv[1], timeout=5).status_code >= 500)" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 1
  done
  echo "$2 did not answer on $1 within 300 s; see $3" >&2
  exit 1
}

port_free 4200
port_free 8750

# setsid: each process leads its own group, so `make ui-stop` stops it and its children by the recorded pid.
setsid "$BIN/prefect" server start --host 127.0.0.1 --port 4200 >.prefect/logs/server.log 2>&1 &
echo $! >.prefect/server.pid
wait_for http://127.0.0.1:4200/api/health "the Prefect server" .prefect/logs/server.log

setsid "$BIN/datashare" sandbox serve >.prefect/logs/sandbox.log 2>&1 &
echo $! >.prefect/sandbox.pid
wait_for http://127.0.0.1:8750/xero/connections "the sandbox apps" .prefect/logs/sandbox.log

for tenant in demo-au demo-us demo-nz; do
  "$BIN/datashare" connect xero "$tenant" --config config/demo.toml --sandbox-approve
done

"$BIN/prefect" work-pool create datashare-process --type process >/dev/null 2>&1 || true
"$BIN/prefect" --no-prompt deploy --all >.prefect/logs/deploy.log 2>&1
# The webhook block and automations of prefect.yaml's `notifications` (made again or updated, never duplicated).
"$BIN/python" -m flows.notifications >>.prefect/logs/deploy.log 2>&1
setsid "$BIN/prefect" worker start --pool datashare-process >.prefect/logs/worker.log 2>&1 &
echo $! >.prefect/worker.pid

echo "Prefect UI: http://127.0.0.1:4200  (deployments: crm-sales, accounting, hr-payroll, reimport, retry-records, sync-all)"
echo "Start a re-import from the UI (Deployments > reimport > Run > Custom run) or:"
echo "  PREFECT_API_URL=$PREFECT_API_URL $BIN/prefect deployment run reimport/reimport --param tenant=demo-au"
echo "Send again what needs attention: Deployments > retry-records > Run > Custom run"
echo "Failed runs and runs leaving records that need attention notify: see http://127.0.0.1:8750/hooks/inbox"
echo "Stop everything with: make ui-stop"
