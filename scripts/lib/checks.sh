# For the deploy/ checks (source this file): `skip` and `free_port`.

# What cannot be checked for want of a tool says SKIPPED; with MITRA_DEPLOY_CHECKS=required
# (as in .ci/run) it fails instead.
skip() {
    if [ "${MITRA_DEPLOY_CHECKS:-}" = required ]; then
        echo "$(basename "$0"): $1 (required by MITRA_DEPLOY_CHECKS)" >&2
        exit 1
    fi
    echo "SKIPPED: $1"
}

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
