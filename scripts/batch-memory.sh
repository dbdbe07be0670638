#!/usr/bin/env bash
# Time and peak memory of batch rankings (`POST /v1/match/batch`, no matches in the answer)
# on a server with FIRMS demo firms: the figures of BENCHMARKS.md "Batch ranking on a
# snapshot". Linux only (reads /proc/PID/status and resets the peak through clear_refs).
#
#   scripts/batch-memory.sh path/to/mitra FIRMS BATCHES      # e.g. target/release/mitra 30000 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$1" firms="$2" batches="$3"
# shellcheck source=lib/serve.sh
source "$root/scripts/lib/serve.sh"
token="batch-organizer-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
MITRA_ADDR=127.0.0.1:0 MITRA_DATA_DIR="$work/data" MITRA_ORGANIZER_TOKENS="$token" \
    MITRA_LOG_JSON=true RUST_LOG=warn,mitra=info \
    "$bin" serve --demo --demo-firms "$firms" 2>"$work/server.log" &
server_pid=$!
port="$(wait_for_port "$work/server.log" 600)"
status() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$server_pid/status"; }
sleep 2
echo "$firms demo firms; idle VmRSS $(status VmRSS) kB"
for i in $(seq 1 "$batches"); do
    echo 5 >"/proc/$server_pid/clear_refs" # the peak (VmHWM) starts again from VmRSS
    before="$(status VmRSS)"
    answer="$(curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        "http://127.0.0.1:$port/v1/match/batch" -d '{"limit": 10, "include_matches": false}')"
    took="$(sed -n 's/.*"elapsed_ms":\([0-9]*\).*/\1/p' <<<"$answer")"
    [[ -n "$took" ]] || { echo "unexpected answer: $answer" >&2; exit 1; }
    echo "batch $i: ${took} ms; VmRSS before $before kB, peak $(status VmHWM) kB"
done
