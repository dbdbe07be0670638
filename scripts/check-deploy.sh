#!/usr/bin/env bash
# Checks of deploy/: the systemd units (systemd-analyze verify, warnings count as failures),
# the backup script end to end against a running server (online backup, a wrong token
# refused, restore check, compression, rotation), and the container (scripts/check-container.sh).
# The Grafana dashboard is checked against a live scrape by `cargo test --test api`
# (tests/api/ops.rs). Usage: scripts/check-deploy.sh [path/to/mitra]
set -euo pipefail
cd "$(dirname "$0")/.."
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
    echo "SKIPPED: systemd-analyze not found; the systemd units were not verified"
fi

echo "== deploy: backup script"
# The script backs up a running server through GET /v1/backup; the server keeps answering.
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
