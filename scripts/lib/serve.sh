# For the scripts that run `mitra serve` to test it (source this file): a scratch folder
# `$work`, removed on exit with the server (`$server_pid`) stopped, and `wait_for_port`.

work="$(mktemp -d)"
server_pid=""
serve_cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap serve_cleanup EXIT

# wait_for_port LOG SECONDS: prints the port the server started as `$server_pid`
# (MITRA_ADDR=…:0, MITRA_LOG_JSON=true) logs into LOG once it listens; fails with the log
# when the server exits first or is not listening within SECONDS.
wait_for_port() {
    local log="$1" seconds="$2" port=""
    for _ in $(seq 1 $((seconds * 10))); do
        port="$(sed -n 's/.*"mitra listening[^}]*"port":\([0-9]*\).*/\1/p' "$log" | head -n1)"
        if [[ -n "$port" ]]; then
            echo "$port"
            return 0
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            cat "$log" >&2
            echo "mitra exited before listening" >&2
            return 1
        fi
        sleep 0.1
    done
    cat "$log" >&2
    echo "mitra did not start listening within $seconds s" >&2
    return 1
}
