#!/usr/bin/env bash
# Checks of deploy/: the systemd units (systemd-analyze verify, warnings count as failures),
# the backup script end to end against a running server (online backup, a wrong token
# refused, restore check, compression, rotation), and the container (scripts/check-container.sh).
# The Grafana dashboard is checked against a live scrape by `cargo test --test api`
# (tests/api/ops.rs). Usage: scripts/check-deploy.sh [path/to/mitra]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/checks.sh
source scripts/lib/checks.sh
bin=$(realpath "${1:-target/debug/mitra}")
[ -x "$bin" ] || { echo "no mitra binary at $bin (cargo build first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== deploy: systemd units"
if command -v systemd-analyze >/dev/null 2>&1; then
    # The units name their installed paths; verify copies that point at this checkout.
    for unit in mitra.service mitra-backup.service mitra-backup.timer; do
        sed -e "s#/usr/local/bin/mitra#$bin#" \
            -e "s#/usr/local/lib/mitra/mitra-backup#$PWD/deploy/systemd/mitra-backup#" \
            "deploy/systemd/$unit" >"$work/$unit"
    done
    if ! systemd-analyze verify "$work/mitra.service" "$work/mitra-backup.service" \
        "$work/mitra-backup.timer" >"$work/verify.log" 2>&1 || [ -s "$work/verify.log" ]; then
        cat "$work/verify.log" >&2
        echo "systemd-analyze verify failed (or warned) on deploy/systemd" >&2
        exit 1
    fi
    echo "systemd units verified ($(systemd-analyze --version | head -1))"
else
    skip "systemd-analyze not found; the systemd units were not verified"
fi

echo "== deploy: a running server for the checks below"
mkdir -p "$work/backups"
token=backup-check-organizer-token-0123456789abcdef
printf '# organizer tokens\n%s\n' "$token" >"$work/tokens"
"$bin" --data-dir "$work/data" serve --demo --demo-firms 40 --addr 127.0.0.1:0 \
    --organizer-tokens-file "$work/tokens" >"$work/serve.log" 2>&1 &
serve=$!
trap 'kill "$serve" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
    grep -q "listening on: 127.0.0.1:" "$work/serve.log" && break
    sleep 0.2
done
port=$(grep -o 'listening on: 127.0.0.1:[0-9]*' "$work/serve.log" | head -n 1 | grep -o '[0-9]*$')
[ -n "$port" ] || { cat "$work/serve.log" >&2; exit 1; }

# wait_for URL SECONDS [curl options]: until URL answers 2xx.
wait_for() {
    local url=$1 seconds=$2
    shift 2
    for _ in $(seq 1 $((seconds * 4))); do
        curl -fsS "$@" "$url" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    return 1
}

echo "== deploy: Caddy in front (deploy/caddy/Caddyfile)"
if command -v caddy >/dev/null 2>&1; then
    caddy validate --adapter caddyfile --config deploy/caddy/Caddyfile >"$work/caddy.log" 2>&1 \
        || { cat "$work/caddy.log" >&2; echo "caddy validate refused deploy/caddy/Caddyfile" >&2; exit 1; }
    # The same file served for real: the site name becomes a local port with Caddy's own
    # certificate authority (no public name here), the upstream this server's port.
    caddy_port=$(free_port)
    { printf '{\n\tadmin off\n\tskip_install_trust\n}\n'
      sed -e "s#^mitra\.disperin\.example\.go\.id {#https://localhost:$caddy_port {\n\ttls internal#" \
          -e "s#reverse_proxy 127.0.0.1:8080#reverse_proxy 127.0.0.1:$port#" deploy/caddy/Caddyfile
    } >"$work/Caddyfile"
    grep -q "tls internal" "$work/Caddyfile" && grep -q "127.0.0.1:$port" "$work/Caddyfile" \
        || { echo "deploy/caddy/Caddyfile no longer has the site line or upstream this check rewrites" >&2; exit 1; }
    HOME=$work XDG_DATA_HOME=$work/caddy-data XDG_CONFIG_HOME=$work/caddy-config \
        caddy run --adapter caddyfile --config "$work/Caddyfile" >"$work/caddy.log" 2>&1 &
    caddy_pid=$!
    trap 'kill "$serve" "$caddy_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
    front=https://localhost:$caddy_port
    wait_for "$front/readyz" 30 -k || { cat "$work/caddy.log" >&2; echo "no answer through Caddy" >&2; exit 1; }
    headers=$(curl -ksS -D - -o /dev/null -H 'Accept-Encoding: gzip' "$front/openapi.json")
    grep -qi '^strict-transport-security: max-age=31536000' <<<"$headers" \
        || { echo "$headers" >&2; echo "no HSTS through Caddy" >&2; exit 1; }
    grep -qi '^content-encoding: gzip' <<<"$headers" \
        || { echo "$headers" >&2; echo "no compression through Caddy" >&2; exit 1; }
    ! grep -qi '^server:' <<<"$headers" || { echo "$headers" >&2; echo "Caddy names its server" >&2; exit 1; }
    [ "$(curl -ksS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$front/metrics")" = 404 ] \
        || { echo "/metrics is reachable through Caddy" >&2; exit 1; }
    [ "$(curl -ksS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$front/v1/me")" = 200 ] \
        || { echo "an organizer call through Caddy failed" >&2; exit 1; }
    kill "$caddy_pid"
    echo "Caddyfile: valid; served with TLS: HSTS, gzip, no Server header, /metrics 404, the API through it"
else
    skip "caddy not found; deploy/caddy/Caddyfile was not checked"
fi

echo "== deploy: Prometheus scrape job (deploy/prometheus/mitra.yml)"
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    # The job as shipped, pointed at this server and a token file of its own.
    printf '%s\n' "$token" >"$work/prometheus-token"
    chmod 0600 "$work/prometheus-token"
    sed -e "s#/etc/prometheus/mitra-token#$work/prometheus-token#" \
        -e "s#127.0.0.1:8080#127.0.0.1:$port#" -e "s#scrape_interval: 30s#scrape_interval: 1s#" \
        deploy/prometheus/mitra.yml >"$work/prometheus.yml"
    promtool check config "$work/prometheus.yml" >"$work/promtool.log" 2>&1 \
        || { cat "$work/promtool.log" >&2; echo "promtool refused deploy/prometheus/mitra.yml" >&2; exit 1; }
    prom_port=$(free_port)
    prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
        --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
    prom_pid=$!
    trap 'kill "$serve" "$prom_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
    query="http://127.0.0.1:$prom_port/api/v1/query?query=count(%7Bjob%3D%22mitra%22%2C__name__%3D~%22mitra_.%2A%22%7D)"
    scraped=
    for _ in $(seq 1 120); do
        scraped=$(curl -fsS "$query" 2>/dev/null | python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null || true)
        [ -n "$scraped" ] && break
        sleep 0.5
    done
    [ -n "$scraped" ] || { tail -n 20 "$work/prometheus.log" >&2; echo "Prometheus scraped no mitra series" >&2; exit 1; }
    kill "$prom_pid"
    echo "Prometheus job: promtool accepts it; a live Prometheus scraped $scraped mitra series with the token file"
else
    skip "prometheus or promtool not found; deploy/prometheus/mitra.yml was not checked"
fi

echo "== deploy: backup script"
# The script backs up a running server through GET /v1/backup; the server keeps answering.
touch -d "30 days ago" "$work/backups/mitra-20000101T000000Z.jsonl.gz"
touch "$work/backups/mitra-recent.jsonl.gz"
run_backup() {
    MITRA_USER= MITRA_BIN="$bin" MITRA_URL="http://127.0.0.1:$port" MITRA_TOKENS_FILE="$1" \
        MITRA_BACKUP_DIR="$work/backups" MITRA_BACKUP_KEEP_DAYS=14 deploy/systemd/mitra-backup
}

# A wrong token: the script fails and writes nothing.
echo "not-the-organizer-token-0123456789abcdef" >"$work/wrong"
if run_backup "$work/wrong" >"$work/backup.log" 2>&1; then
    echo "the backup succeeded with a wrong token" >&2
    exit 1
fi
[ -z "$(find "$work/backups" -newer "$work/backups/mitra-recent.jsonl.gz" -name 'mitra-2*')" ] \
    || { echo "a failed backup left a file" >&2; exit 1; }

run_backup "$work/tokens" >"$work/backup.log" 2>&1 || { cat "$work/backup.log" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "the server stopped answering" >&2; exit 1; }
made=$(find "$work/backups" -name 'mitra-2*Z.jsonl.gz' -newer "$work/backups/mitra-recent.jsonl.gz")
[ "$(echo "$made" | wc -l)" = 1 ] && [ -n "$made" ] || { echo "expected one new backup, got: $made" >&2; exit 1; }
[ "$(stat -c %a "$made")" = 600 ] || { echo "backup file mode $(stat -c %a "$made"), expected 600" >&2; exit 1; }
[ ! -e "$work/backups/mitra-20000101T000000Z.jsonl.gz" ] || { echo "old backup not rotated" >&2; exit 1; }
[ -e "$work/backups/mitra-recent.jsonl.gz" ] || { echo "recent backup rotated away" >&2; exit 1; }
# The backup restores to the same records as a direct export of the store once stopped.
kill -TERM "$serve"
wait "$serve" || true
gunzip -c "$made" >"$work/restore.jsonl"
"$bin" --data-dir "$work/restored" import "$work/restore.jsonl" >/dev/null
"$bin" --data-dir "$work/data" export --out "$work/direct.jsonl" >/dev/null
"$bin" --data-dir "$work/restored" export --out "$work/again.jsonl" >/dev/null
strip_time() { grep -v '"exported_at"' "$1" | sort; }
cmp <(strip_time "$work/direct.jsonl") <(strip_time "$work/again.jsonl") \
    || { echo "restored backup differs from the store" >&2; exit 1; }
echo "backup script: online backup of a running server, wrong token refused, restore check, mode 0600, rotation verified"

echo "== deploy: container image"
bash scripts/check-container.sh
