#!/usr/bin/env bash
# deploy/Containerfile, built and run the way README "In a container" says: the image builds,
# runs as uid 10001, answers /readyz on its published port, keeps its store on the volume
# (0700, owned by 10001) across `stop`/`start` and into a new container, stops cleanly on
# SIGTERM, and gives an online backup while it runs.
#
# Engine: a running docker daemon, else podman (Debian's `podman` and `runc`); with neither,
# the check says SKIPPED. Base images: the Containerfile's own (rust:1-slim-bookworm,
# debian:bookworm-slim) when the engine has them or can pull them. Where Docker Hub cannot be
# reached (the CI machines reach package registries only), stand-ins under the same names are
# made from Debian 12's packages (debootstrap minbase; the build image adds gcc, libc6-dev,
# this machine's Rust toolchain and its CA bundle, as cargo here uses), so the Containerfile
# itself is built unchanged. Usage: scripts/check-container.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/checks.sh
source scripts/lib/checks.sh
say() { echo "== container [$(date -u +%T)]: $*"; }

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    engine=docker
elif command -v podman >/dev/null 2>&1; then
    engine=podman
else
    skip "no container engine (docker daemon or podman); deploy/Containerfile was not built"
    exit 0
fi
# Podman's own defaults ask for more open files and processes than some kernels allow a
# container (1 048 576; here 65 536 processes was refused too), and its crun refuses hybrid
# cgroup hierarchies: this machine's open-file limit, 32 768 processes, and runc where it is
# installed.
flags=()
if [ "$engine" = podman ]; then
    flags+=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=32768:32768)
    ! command -v runc >/dev/null 2>&1 || flags=(--runtime runc "${flags[@]}")
fi

work=$(mktemp -d)
name=mitra-check-$$
image=localhost/mitra-check:$$
# The build stage leaves untagged images (about 3 GB each): the ones this run made go too.
dangling() { $engine images -q --filter dangling=true | sort; }
dangling_before=$(dangling)
cleanup() {
    $engine rm -f "$name" >/dev/null 2>&1 || true
    $engine volume rm -f "$name" >/dev/null 2>&1 || true
    $engine rmi -f "$image" >/dev/null 2>&1 || true
    comm -13 <(echo "$dangling_before") <(dangling) | xargs -r $engine rmi -f >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# --- Base images ---------------------------------------------------------------------------
have_image() { $engine image inspect "$1" >/dev/null 2>&1 || timeout 120 $engine pull -q "$1" >/dev/null 2>&1; }
# stand_in IMAGE INCLUDE PREPARE: a Debian 12 minbase root with the packages INCLUDE (comma
# separated, may be empty), then the command PREPARE run on it, imported under IMAGE with the
# settings in $changes.
stand_in() {
    local image=$1 include=$2 prepare=$3 root=$work/root
    command -v debootstrap >/dev/null || { echo "check-container: $image missing and no debootstrap to make it" >&2; exit 1; }
    debootstrap --variant=minbase ${include:+--include=$include} bookworm "$root" \
        "${MITRA_VM_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    rm -f "$root"/var/cache/apt/archives/*.deb
    $prepare
    tar -C "$root" -c . | $engine import "${changes[@]}" - "$image" >/dev/null
    rm -rf "$root"
}
add_rust() {
    local sysroot
    sysroot=$(rustc --print sysroot)
    mkdir -p "$work/root/usr/local/rust"
    cp -a "$sysroot/bin" "$sysroot/lib" "$sysroot/libexec" "$work/root/usr/local/rust/"
    cp /etc/ssl/certs/ca-certificates.crt "$work/root/etc/ssl/certs/ca-certificates.crt"
}
slim=docker.io/library/debian:bookworm-slim
rust=docker.io/library/rust:1-slim-bookworm
if ! have_image "$slim"; then
    say "no $slim to be had: a stand-in from Debian 12's packages"
    changes=()
    stand_in "$slim" "" true
fi
if ! have_image "$rust"; then
    say "no $rust to be had: a stand-in from Debian 12's packages and $(rustc --version)"
    changes=(--change "ENV PATH=/usr/local/cargo/bin:/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        --change "ENV CARGO_HOME=/usr/local/cargo")
    stand_in "$rust" gcc,libc6-dev,ca-certificates add_rust
fi

# --- Build ---------------------------------------------------------------------------------
say "building deploy/Containerfile with $engine"
build_flags=()
[ "$engine" = docker ] || build_flags=(--pull=never "${flags[@]}")
$engine build "${build_flags[@]}" -f deploy/Containerfile -t "$image" . >"$work/build.log" 2>&1 \
    || { tail -n 40 "$work/build.log" >&2; echo "check-container: the image did not build" >&2; exit 1; }
[ "$($engine run --rm "${flags[@]}" --entrypoint id "$image" -u)" = 10001 ] \
    || { echo "check-container: the image does not run as uid 10001" >&2; exit 1; }

# --- Run as the README says ----------------------------------------------------------------
token=container-check-organizer-token-0123456789abcdef
printf '%s\n' "$token" >"$work/tokens"
chown 10001:10001 "$work/tokens"
chmod 0400 "$work/tokens"
port=$(free_port)
base=http://127.0.0.1:$port
start_container() {
    $engine run -d --name "$name" "${flags[@]}" -p "127.0.0.1:$port:8080" \
        -v "$name:/var/lib/mitra" -v "$work/tokens:/run/secrets/tokens:ro" \
        -e MITRA_ORGANIZER_TOKENS_FILE=/run/secrets/tokens "$image" >/dev/null
}
wait_ready() {
    for _ in $(seq 1 120); do
        curl -fsS "$base/readyz" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    $engine logs "$name" 2>&1 | tail -n 20 >&2
    echo "check-container: /readyz did not answer after $1" >&2
    exit 1
}
firm_status() {
    curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/v1/firms/kopi-sembalun"
}
expect_firm() {
    [ "$(firm_status)" = 200 ] || { echo "check-container: the firm is gone after $1" >&2; exit 1; }
}

say "running it: published port, tokens file, volume"
start_container
wait_ready "the first start"
status=$(curl -sS -o "$work/answer" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' "$base/v1/firms" -d '{"id": "kopi-sembalun",
    "name": "CV Kopi Sembalun Rinjani", "province": "NTB", "regency": "Lombok Timur",
    "kbli": ["10761"], "size": "small", "employees": 14,
    "products": [{"name": "Kopi arabika sangrai", "hs_code": "0901.21",
                  "capacity": {"amount": 300, "unit": "kg", "per": "month"}}]}')
[ "$status" = 201 ] || { cat "$work/answer" >&2; echo "check-container: registering a firm: HTTP $status" >&2; exit 1; }
mode=$($engine exec "$name" stat -c %u:%a /var/lib/mitra)
[ "$mode" = 10001:700 ] || { echo "check-container: /var/lib/mitra is $mode, expected 10001:700" >&2; exit 1; }
curl -fsS -H "Authorization: Bearer $token" "$base/v1/backup" >"$work/backup.jsonl"
grep -q '"kopi-sembalun"' "$work/backup.jsonl" || { echo "check-container: the online backup lacks the firm" >&2; exit 1; }

say "stop (SIGTERM), start, then a new container on the same volume"
$engine stop -t 30 "$name" >/dev/null
code=$($engine inspect --format '{{.State.ExitCode}}' "$name")
[ "$code" = 0 ] || { $engine logs "$name" 2>&1 | tail -n 20 >&2; echo "check-container: exit code $code on SIGTERM" >&2; exit 1; }
$engine start "$name" >/dev/null
wait_ready "a restart"
expect_firm "a restart"
$engine rm -f "$name" >/dev/null
start_container
wait_ready "a new container"
expect_firm "a new container on the same volume"
say "passed: built with $engine, uid 10001, /readyz, volume 10001:700 kept across restart and a new container, clean SIGTERM, online backup"
