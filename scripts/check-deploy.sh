#!/usr/bin/env bash
# Checks of deploy/: the systemd units (systemd-analyze verify, warnings count as failures),
# the backup script end to end (export, restore check, compression, rotation, the service
# stopped and started around the export), and the container build when a builder runs.
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
# A stand-in systemctl records what the script asks of the service manager.
mkdir -p "$work/bin" "$work/backups"
cat >"$work/bin/systemctl" <<'SH'
#!/bin/sh
echo "$*" >>"$SYSTEMCTL_LOG"
case "$1" in is-active) exit 0 ;; esac
SH
chmod +x "$work/bin/systemctl"
# A store with demo firms, written by the server itself (then stopped with SIGTERM).
"$bin" --data-dir "$work/data" serve --demo --demo-firms 40 --addr 127.0.0.1:0 \
    >"$work/serve.log" 2>&1 &
serve=$!
for _ in $(seq 1 150); do
    grep -q "demo data loaded" "$work/serve.log" && break
    sleep 0.2
done
grep -q "demo data loaded" "$work/serve.log" || { cat "$work/serve.log" >&2; exit 1; }
touch -d "30 days ago" "$work/backups/mitra-20000101T000000Z.jsonl.gz"
touch "$work/backups/mitra-recent.jsonl.gz"
run_backup() {
    SYSTEMCTL_LOG="$work/systemctl.log" PATH="$work/bin:$PATH" MITRA_USER= MITRA_BIN="$bin" \
        MITRA_DATA_DIR="$work/data" MITRA_BACKUP_DIR="$work/backups" MITRA_BACKUP_KEEP_DAYS=14 \
        deploy/systemd/mitra-backup
}

# While the server still holds the store the export fails: the script must fail, and
# still start the service it stopped.
: >"$work/systemctl.log"
if run_backup >"$work/backup.log" 2>&1; then
    echo "the backup succeeded on a store another process holds" >&2
    exit 1
fi
[ "$(cat "$work/systemctl.log")" = "$(printf 'is-active --quiet mitra.service\nstop mitra.service\nstart mitra.service')" ] \
    || { echo "a failed export must restart the service:" >&2; cat "$work/systemctl.log" >&2; exit 1; }
[ -z "$(find "$work/backups" -name '*.gz' -newer "$work/backups/mitra-recent.jsonl.gz")" ]

kill -TERM "$serve"
wait "$serve" || true
: >"$work/systemctl.log"
run_backup >"$work/backup.log" 2>&1 || { cat "$work/backup.log" >&2; exit 1; }
[ "$(cat "$work/systemctl.log")" = "$(printf 'is-active --quiet mitra.service\nstop mitra.service\nstart mitra.service')" ] \
    || { echo "unexpected service calls:" >&2; cat "$work/systemctl.log" >&2; exit 1; }
made=$(find "$work/backups" -name 'mitra-2*Z.jsonl.gz' -newer "$work/backups/mitra-recent.jsonl.gz")
[ "$(echo "$made" | wc -l)" = 1 ] && [ -n "$made" ] || { echo "expected one new backup, got: $made" >&2; exit 1; }
[ "$(stat -c %a "$made")" = 600 ] || { echo "backup file mode $(stat -c %a "$made"), expected 600" >&2; exit 1; }
[ ! -e "$work/backups/mitra-20000101T000000Z.jsonl.gz" ] || { echo "old backup not rotated" >&2; exit 1; }
[ -e "$work/backups/mitra-recent.jsonl.gz" ] || { echo "recent backup rotated away" >&2; exit 1; }
# The backup restores to the same records as a direct export of the store.
gunzip -c "$made" >"$work/restore.jsonl"
"$bin" --data-dir "$work/restored" import "$work/restore.jsonl" >/dev/null
"$bin" --data-dir "$work/data" export --out "$work/direct.jsonl" >/dev/null
"$bin" --data-dir "$work/restored" export --out "$work/again.jsonl" >/dev/null
strip_time() { grep -v '"exported_at"' "$1" | sort; }
cmp <(strip_time "$work/direct.jsonl") <(strip_time "$work/again.jsonl") \
    || { echo "restored backup differs from the store" >&2; exit 1; }
echo "backup script: export, restore check, mode 0600, rotation and service restart verified"

echo "== deploy: container image"
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    docker build -q -f deploy/Containerfile -t mitra:ci . >/dev/null
    [ "$(docker run --rm --entrypoint id mitra:ci -u)" = 10001 ] || { echo "image runs as root" >&2; exit 1; }
    echo "container image built; runs as uid 10001"
elif command -v podman >/dev/null 2>&1; then
    podman build -q -f deploy/Containerfile -t mitra:ci . >/dev/null
    [ "$(podman run --rm --entrypoint id mitra:ci -u)" = 10001 ] || { echo "image runs as root" >&2; exit 1; }
    echo "container image built; runs as uid 10001"
else
    echo "SKIPPED: no container builder (docker daemon or podman); deploy/Containerfile was not built"
fi
