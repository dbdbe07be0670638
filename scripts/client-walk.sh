#!/usr/bin/env bash
# The README's walk through the API, run by a Python client generated from the committed
# openapi/openapi.json alone: if the generator cannot read the document, or the generated
# client cannot parse a real answer, the document is wrong (or says less than the server does).
#
# Installs a pinned openapi-python-client from PyPI into a venv under the cargo target folder
# if missing, generates the client into the target folder (again on every run, so it is the
# committed document's), starts `mitra serve --demo` on a fresh temporary folder (127.0.0.1,
# a free port, the organizer token it generates there), runs scripts/client_walk.py, stops
# the server and exits non-zero on any mismatch.
#
#   scripts/client-walk.sh [path/to/mitra]       # default target/debug/mitra (cargo build first)
#
# Environment: CLIENT_WALK_GENERATOR (the generator requirement, default
# "openapi-python-client==0.29.1"), CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/client-walk-venv"
client="$target/client-walk"
requirement="${CLIENT_WALK_GENERATOR:-openapi-python-client==0.29.1}"
bin="$(realpath "${1:-$target/debug/mitra}")"
[[ -x "$bin" ]] || { echo "no mitra binary at $bin (cargo build first)" >&2; exit 1; }
started=$SECONDS

# The pin is kept in the venv: a changed requirement installs it again.
if [[ ! -x "$venv/bin/openapi-python-client" || "$(cat "$venv/requirement" 2>/dev/null)" != "$requirement" ]]; then
    echo "installing $requirement into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement"
    echo "$requirement" >"$venv/requirement"
fi
echo "generator: $("$venv/bin/openapi-python-client" --version)" >&2

# shellcheck source=lib/serve.sh
source "$root/scripts/lib/serve.sh"

# The generated package goes to $client/mitra_client. The generator's warnings are kept:
# a schema or an operation it leaves out is a finding about the document. It warns about
# request bodies in CSV and .xlsx and the backup's JSON Lines, which it cannot send or read
# (it generates the JSON alternative of those operations); the walk checks that every
# operation it calls is there.
rm -rf "$client"
mkdir -p "$client"
if ! "$venv/bin/openapi-python-client" generate --path openapi/openapi.json \
    --output-path "$client/mitra_client" --meta none >"$work/generate.log" 2>&1; then
    cat "$work/generate.log" >&2
    echo "openapi-python-client failed on openapi/openapi.json" >&2
    exit 1
fi
# A schema the generator drops takes every operation and answer that uses it along.
if grep -E "Unable to process schema|Endpoint will not be generated|Could not find reference" \
    "$work/generate.log" >/dev/null; then
    cat "$work/generate.log" >&2
    echo "openapi-python-client left out part of openapi/openapi.json (see above)" >&2
    exit 1
fi
echo "client generated into $client/mitra_client; what the generator passed over:" >&2
awk '/^WARNING parsing/ { op = $3 " " $4; next }
     op != "" && NF { sub(/ <[^>]*>/, ""); print "  " op ": " $0; op = "" }' \
    "$work/generate.log" | sort -u >&2

# As the README says: with no organizer token configured, `serve --demo` generates one into
# its data folder (organizer-token); the demo firms are the README's.
env -u MITRA_ORGANIZER_TOKENS -u MITRA_ORGANIZER_TOKENS_FILE \
    MITRA_ADDR=127.0.0.1:0 MITRA_DATA_DIR="$work/data" MITRA_LOG_JSON=true RUST_LOG=warn,mitra=info \
    "$bin" serve --demo 2>"$work/server.log" &
server_pid=$!

port="$(wait_for_port "$work/server.log" 120)"
[[ -s "$work/data/organizer-token" ]] || { echo "no organizer token in $work/data" >&2; exit 1; }
echo "mitra on http://127.0.0.1:$port (demo data, $((SECONDS - started)) s in)" >&2

status=0
PYTHONPATH="$client" MITRA_URL="http://127.0.0.1:$port" \
    MITRA_TOKEN_FILE="$work/data/organizer-token" \
    "$venv/bin/python" scripts/client_walk.py || status=$?

if grep -q '"level":"ERROR"' "$work/server.log"; then
    echo "--- server errors (log excerpt) ---" >&2
    grep '"level":"ERROR"' "$work/server.log" | head -n 20 >&2 || true
    [[ $status -ne 0 ]] || status=1
fi
if [[ $status -eq 0 ]]; then
    echo "client walk passed in $((SECONDS - started)) s" >&2
else
    echo "client walk FAILED" >&2
fi
exit "$status"
