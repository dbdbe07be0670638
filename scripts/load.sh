#!/usr/bin/env bash
# Load test: builds release, serves 3 000 demo firms on a temporary folder (127.0.0.1, a
# free port), runs examples/load.rs (64 connections, 60 s by default), prints throughput,
# latency per route, errors, the server's memory (VmRSS) before and after, and the disk
# use of the sled folder against the size of `mitra export`; then stops the server.
# During the run it samples the server's VmRSS and stored firms every LOAD_SAMPLE_SECONDS
# (60), to tell memory that follows the data from memory that follows the requests.
#
#   scripts/load.sh                         # LOAD_CONNECTIONS=64 LOAD_SECONDS=60 LOAD_FIRMS=3000
#   LOAD_HEAVY=true LOAD_SECONDS=600 scripts/load.sh   # with a batch ranking and a timetable
#                                                      # generation running in turn meanwhile
#   LOAD_MIX=steady LOAD_HEAVY=true LOAD_SECONDS=600 scripts/load.sh   # each POST followed by a
#                                                      # DELETE: writes, but a steady store
#   LOAD_MIX=matches LOAD_FIRMS=200000 LOAD_CONNECTIONS=2 scripts/load.sh   # one firm's matches only
#   LOAD_PROFILE=hard ...                   # firms from `mitra gen`'s names (clean|realistic|hard)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
connections="${LOAD_CONNECTIONS:-64}"
seconds="${LOAD_SECONDS:-60}"
firms="${LOAD_FIRMS:-3000}"
mix="${LOAD_MIX:-all}"
profile=()
[[ -n "${LOAD_PROFILE:-}" ]] && profile=(--demo-profile "$LOAD_PROFILE")
heavy="${LOAD_HEAVY:-false}"
sample_seconds="${LOAD_SAMPLE_SECONDS:-60}"
# Loading 200 000 demo firms takes minutes: how long to wait for the server to listen.
start_seconds="${LOAD_START_SECONDS:-600}"
token="load-organizer-$(od -An -N16 -tx1 /dev/urandom | tr -d " \n")"

cargo build --release --bin mitra --example load >&2
bin="$target/release/mitra"

# shellcheck source=lib/serve.sh
source "$root/scripts/lib/serve.sh"

MITRA_ADDR=127.0.0.1:0 MITRA_DATA_DIR="$work/data" MITRA_ORGANIZER_TOKENS="$token" \
    MITRA_LOG_JSON=true RUST_LOG=warn,mitra=info \
    "$bin" serve --demo --demo-firms "$firms" "${profile[@]}" 2>"$work/server.log" &
server_pid=$!
port="$(wait_for_port "$work/server.log" "$start_seconds")"

rss() { awk '/VmRSS/ {print $2, $3}' "/proc/$server_pid/status"; }
echo "machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p')"
echo "server: release, $firms demo firms${LOAD_PROFILE:+ ($LOAD_PROFILE names)}, port $port"
echo "load: $(uptime)"
echo "VmRSS before: $(rss)"
echo "sled folder before: $(du -sh "$work/data" | cut -f1)"
firms_stored() {
    curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/status" |
        sed -n 's/.*"counts":{"firms":\([0-9]*\).*/\1/p'
}
(
    elapsed=0
    while sleep "$sample_seconds"; do
        elapsed=$((elapsed + sample_seconds))
        echo "at ${elapsed} s: VmRSS $(rss), $(firms_stored) firms stored"
    done
) &
sampler_pid=$!
status=0
"$target/release/examples/load" --url "http://127.0.0.1:$port" --organizer-token "$token" \
    --tokens "$work/data/demo-firm-tokens.csv" --connections "$connections" \
    --seconds "$seconds" --mix "$mix" --heavy "$heavy" || status=$?
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
echo "VmRSS after: $(rss), $(firms_stored) firms stored"

kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
firms_after="$("$bin" --data-dir "$work/data" export --out "$work/export.jsonl" 2>&1 | tail -n1)"
echo "sled folder after: $(du -sh "$work/data" | cut -f1) ($(du -sb "$work/data" | cut -f1) bytes)"
echo "export: $(du -sh "$work/export.jsonl" | cut -f1) ($(stat -c %s "$work/export.jsonl") bytes; $firms_after)"
exit "$status"
