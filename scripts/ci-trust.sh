#!/usr/bin/env bash
# The bounded trust checks for CI: a schemathesis pass of every operation against
# openapi/openapi.json (installs schemathesis itself; needs python3 with venv and pip).
# The crash-safety test runs with `cargo test` (tests/crash.rs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ST_MAX_EXAMPLES="${ST_MAX_EXAMPLES:-20}" exec bash scripts/schemathesis.sh "$@"
