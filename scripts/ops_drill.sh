#!/usr/bin/env bash
# Deployment drill (issue 22, docs/operations.md): start the documented processes — granian, one
# rqworker --with-scheduler, one rqcron — against a fresh database and one Redis database number;
# make a webhook delivery fail (retried by the worker ~10 s later); kill the worker (SIGKILL, its
# work horse mid-request) and watch /healthz report it missing; restart it and watch the
# interrupted delivery go out again; print health at each step.
#
# Usage: scripts/ops_drill.sh            (env: DRILL_DB, DRILL_REDIS_DB, DRILL_PORT)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DRILL_DB:-qinglang_ops_drill}
REDIS_DB=${DRILL_REDIS_DB:-11}
PORT=${DRILL_PORT:-8792}
HOOK_PORT=$((PORT + 1))
WORK=$(mktemp -d /tmp/ops_drill.XXXX)
PY=.venv/bin/python
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
export QINGLANG_VAR_DIR=$WORK/var DJANGO_DEBUG=0 QINGLANG_WEBHOOK_ALLOW_NETWORKS=127.0.0.1/32
PIDS=()
say() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
cleanup() { for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
health() { curl -s "http://127.0.0.1:$PORT/healthz" | $PY -c '
import json, sys
b = json.load(sys.stdin)
q = {n: (v["workers"], v["depth"]) for n, v in b.get("queues", {}).items()}
print(b["status"], b["checks"], "workers,depth per queue:", q, "cron schedulers:", b.get("cron", {}).get("schedulers"),
      "failed last hour:", b.get("failed_jobs_last_hour"))'; }
wait_health() {  # wait_health <python expression on b> <timeout s> <what>
  local deadline=$((SECONDS + $2))
  until curl -s "http://127.0.0.1:$PORT/healthz" | $PY -c "import json,sys; b=json.load(sys.stdin); sys.exit(0 if ($1) else 1)" 2>/dev/null; do
    (( SECONDS < deadline )) || { say "timed out waiting for $3"; exit 1; }
    sleep 2
  done
}
attempts() { $PY manage.py shell -v 0 -c "
from core.models import WebhookAttempt
for a in WebhookAttempt.objects.order_by('id'):
    print('   attempt', a.number, a.outcome, a.status_code or '-', a.error_code or '', a.started_at.strftime('%H:%M:%S'), 'job', a.job_id or '-')
" 2>/dev/null; }
start_worker() {
  $PY manage.py rqworker high default low --with-scheduler --worker-ttl 30 >>"$WORK/worker.log" 2>&1 &
  WORKER=$!; PIDS+=("$WORKER")
}

say "fresh database $DB, Redis db $REDIS_DB, files in $WORK"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" && createdb -h 127.0.0.1 -U postgres "$DB"
$PY -c "import redis; redis.Redis(db=$REDIS_DB).flushdb()"
$PY manage.py migrate -v 0
$PY manage.py create_staff drill.admin --role admin --base-url "http://127.0.0.1:$PORT" | sed 's/^/   /'

# The platform's receiver: 503 to the first request, then hangs (the drill kills the worker
# meanwhile), then 204. Each request is logged with its webhook-id.
$PY - "$HOOK_PORT" "$WORK/hooks.log" <<'PYEOF' &
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, log = int(sys.argv[1]), sys.argv[2]
answers = ["503", "hang"]
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answer = answers.pop(0) if answers else "204"
        with open(log, "a") as f:
            print(time.strftime("%H:%M:%S"), self.headers.get("webhook-id"), answer, file=f, flush=True)
        if answer == "hang":
            time.sleep(60)
            return
        self.send_response(int(answer)); self.end_headers()
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PYEOF
PIDS+=($!)
$PY manage.py create_api_client drill-platform --scope '*' --webhook-url "http://127.0.0.1:$HOOK_PORT/hooks" >/dev/null

say "starting the documented processes: granian (2 workers), rqworker, rqcron"
.venv/bin/granian --interface wsgi config.wsgi:application --workers 2 --blocking-threads 1 --host 127.0.0.1 \
  --port "$PORT" >"$WORK/web.log" 2>&1 &
PIDS+=($!)
start_worker
$PY manage.py rqcron config.schedules >"$WORK/cron.log" 2>&1 &
PIDS+=($!)
wait_health 'b["status"] == "ok"' 240 "web, worker and cron"
say "healthy: $(health)"

say "a webhook event; the receiver answers 503 to the first attempt"
$PY manage.py shell -v 0 -c "
from django.db import transaction
from core.models import ApiClient
from core.webhooks import webhook_send
with transaction.atomic():
    event = webhook_send('webhook.test', {'message': 'ops drill'}, client=ApiClient.objects.get(name='drill-platform'))
print('   event', event.event_id)
"
until [ "$(wc -l <"$WORK/hooks.log" 2>/dev/null || echo 0)" -ge 2 ]; do sleep 0.2; done
pkill -KILL -P "$WORKER" 2>/dev/null || true  # the work horse (a child of the worker we started)
kill -KILL "$WORKER"
say "killed the worker and its work horse (SIGKILL) while attempt 2 waited for the receiver"
say "receiver log:"; sed 's/^/   /' "$WORK/hooks.log"
attempts
say "waiting for /healthz to notice (the worker's key expires worker-ttl + 60 s after its last beat)"
wait_health 'b["checks"].get("workers") == "missing"' 240 "the dead worker to be noticed"
say "worker gone: $(health)"
start_worker
say "worker restarted; the stale 'sending' attempt is marked interrupted and the event sent again"
wait_health 'b["status"] == "ok"' 240 "the new worker"
$PY manage.py sweep_webhooks >/dev/null 2>&1 || true
deadline=$((SECONDS + 420))
until [ "$(tail -n 1 "$WORK/hooks.log" | awk '{print $3}')" = "204" ]; do
  (( SECONDS < deadline )) || { say "timed out waiting for the redelivery"; exit 1; }
  sleep 5; $PY manage.py sweep_webhooks >/dev/null 2>&1 || true
done
sleep 2
say "receiver log:"; sed 's/^/   /' "$WORK/hooks.log"
attempts
say "health at the end: $(health)"
grep -h "attempt .* failed\|interrupted\|abandoned" "$WORK/worker.log" | sed 's/^/   worker: /' | tail -n 5 || true
say "RESULT: delivered after a failure and a killed worker; logs in $WORK"
