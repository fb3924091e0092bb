#!/usr/bin/env bash
# The compose path by hand, offline: build the five images, start redis and the services with
# three classifier replicas on the fixture feed and the tiny model (docker-compose.demo.yml),
# request one run from the host, wait for it, count the articles each replica classified (from
# the logs), then `down -v`. Opt-in and slow (needs a container engine and several minutes);
# CI only validates the compose files (test/deploy/docker.test.ts).
#
#   scripts/compose-demo.sh                 # build, run, count, tear down
#   SKIP_BUILD=1 scripts/compose-demo.sh    # reuse the tidings-* images
#   KEEP=1 scripts/compose-demo.sh          # leave the stack running (down -v yourself)
#
# Engine: Docker, or podman through its Docker API socket (docs/deploy.md). Builds use
# `podman build` when podman is here, else `docker build` (BuildKit). Registry settings go in as
# build secrets, never into a layer: NPMRC (default: npm's user or global config file, when one
# exists) and NPM_CA (default: npm's cafile setting); set either to '' to pass nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

REPLICAS=${REPLICAS:-3}
PROJECT=${PROJECT:-tidingsdemo}
TOKEN=${DASHBOARD_TOKEN:-demo-token-not-a-secret}
SERVICES=(loader classifier aggregator notifier dashboard)

if [[ -z ${DOCKER_HOST:-} && ! -S /var/run/docker.sock && -S /run/podman/podman.sock ]]; then
  export DOCKER_HOST=unix:///run/podman/podman.sock
fi
ENGINE=docker
command -v podman >/dev/null && [[ ${DOCKER_HOST:-} == *podman* ]] && ENGINE=podman
compose() { docker-compose -p "$PROJECT" -f docker-compose.yml -f docker-compose.demo.yml "$@"; }
say() { printf '[compose-demo %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# --- build ---------------------------------------------------------------------------------
if [[ -z ${SKIP_BUILD:-} ]]; then
  npm_file() { local f; f=$(npm config get "$1" 2>/dev/null || true); [[ -f $f ]] && echo "$f" || true; }
  NPMRC=${NPMRC-$(npm_file userconfig)}
  NPMRC=${NPMRC:-$(npm_file globalconfig)}
  NPM_CA=${NPM_CA-$(npm_file cafile)}
  secrets=()
  [[ -n $NPMRC ]] && secrets+=(--secret "id=npmrc,src=$NPMRC")
  [[ -n $NPM_CA ]] && secrets+=(--secret "id=npm_ca,src=$NPM_CA")
  say "build secrets: npmrc=${NPMRC:-none} npm_ca=${NPM_CA:-none}"
  build_flags=()
  # podman builds OCI images by default, which drop HEALTHCHECK; the docker format keeps it.
  [[ $ENGINE == podman ]] && build_flags=(--network host --format docker)
  for service in "${SERVICES[@]}"; do
    started=$(date +%s)
    nice "$ENGINE" build "${build_flags[@]}" "${secrets[@]}" --build-arg SERVICE="$service" -t "tidings-$service" . \
      >"/tmp/compose-demo-build-$service.log" 2>&1 ||
      { tail -20 "/tmp/compose-demo-build-$service.log"; say "build of $service failed"; exit 1; }
    say "built tidings-$service in $(($(date +%s) - started)) s ($("$ENGINE" image inspect --format '{{.Size}}' "tidings-$service" | awk '{printf "%d MB", $1/1e6}'))"
  done
fi

# --- up --------------------------------------------------------------------------------------
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export DASHBOARD_PUBLISH=127.0.0.1:$PORT DASHBOARD_TOKEN=$TOKEN
cleanup() {
  [[ -n ${healthloop:-} ]] && kill "$healthloop" 2>/dev/null || true
  if [[ -z ${KEEP:-} ]]; then say "down -v"; compose down -v --remove-orphans >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# podman runs no healthchecks without systemd, so redis would stay "starting" and every service
# waiting on it would never start: run redis's check by hand while compose waits.
if [[ $ENGINE == podman ]]; then
  (while sleep 2; do
    id=$(compose ps -q redis 2>/dev/null || true)
    [[ -n $id ]] && podman healthcheck run "$id" >/dev/null 2>&1 || true
  done) &
  healthloop=$!
fi
say "up: redis + services, $REPLICAS classifiers, dashboard on 127.0.0.1:$PORT"
started=$(date +%s)
compose up -d --no-build --scale classifier="$REPLICAS" 2>&1 | grep -v '\.\.\. $' | sed 's/^/  /'
say "up in $(($(date +%s) - started)) s"

auth=(-H "Authorization: Bearer $TOKEN")
for _ in $(seq 60); do
  ready=$(compose logs --no-color classifier 2>/dev/null | grep -c 'model loaded and warmed up' || true)
  curl -sf "${auth[@]}" "http://127.0.0.1:$PORT/api/runs" >/dev/null 2>&1 && ((ready >= REPLICAS)) && break
  sleep 2
done
((ready >= REPLICAS)) || { compose ps; compose logs --no-color --tail 20; say "classifiers not ready"; exit 1; }
say "$ready classifiers loaded the model; dashboard answers"

# --- one run -------------------------------------------------------------------------------
run=$(curl -sf "${auth[@]}" -H "content-type: application/json" -d "{}" "http://127.0.0.1:$PORT/api/runs")
runId=$(node -e 'console.log(JSON.parse(process.argv[1]).runId)' "$run")
say "run requested: $runId"
started=$(date +%s)
for _ in $(seq 120); do
  code=$(curl -s -o /tmp/compose-demo-run.json -w '%{http_code}' "${auth[@]}" "http://127.0.0.1:$PORT/api/runs/$runId")
  [[ $code == 200 ]] && break
  sleep 1
done
[[ $code == 200 ]] || { compose logs --no-color --tail 30; say "run $runId did not finish (HTTP $code)"; exit 1; }
say "run finished in $(($(date +%s) - started)) s: $(node -e '
  const r = JSON.parse(require("fs").readFileSync("/tmp/compose-demo-run.json", "utf8"));
  console.log(JSON.stringify({ counts: r.counts, feeds: r.feeds.map((f) => f.url ?? f), finalisedBy: r.finalisedBy }));
')"

# --- per-replica counts, from the logs ---------------------------------------------------------
compose logs --no-color classifier 2>/dev/null | grep '"msg":"classified"' >/tmp/compose-demo-classified.log || true
say "articles classified per replica (compose logs, msg \"classified\"):"
sed -E 's/^([^ |]+) *\|.*"worker":"([^"]+)".*/\1 \2/' /tmp/compose-demo-classified.log | sort | uniq -c | sed 's/^/  /'
total=$(wc -l </tmp/compose-demo-classified.log)
replicas=$(cut -d' ' -f1 /tmp/compose-demo-classified.log | sort -u | wc -l)
say "$total articles classified by $replicas of $REPLICAS replicas"
((replicas == REPLICAS)) || say "not every replica took a job (a small run can do that by chance)"
