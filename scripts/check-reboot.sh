#!/usr/bin/env bash
# A new operator's first days, on a real systemd: boots Debian 12 (bookworm) in a QEMU virtual
# machine with systemd as PID 1, follows README "Running in production" as written (its shell
# blocks are read from the README and run as root in the machine), then checks that
#   - the service answers, runs as `mitra` in its 0700 state folder, and is enabled;
#   - a firm registered over the API survives a clean reboot (`systemctl reboot`), and a change
#     acknowledged just before a hard reset of the machine survives the reset;
#   - the backup unit takes an online backup (0600, owned by mitra);
#   - the README's restore block brings the store back to that backup (a firm added after it
#     is gone, the firm before it keeps its data and its token), and that holds after one
#     more reboot.
#
# Usage: scripts/check-reboot.sh [path/to/release/mitra]   (default target/release/mitra)
# Needs: qemu-system-x86_64, debootstrap, mkfs.ext4, ssh, python3 (apt-get install
# qemu-system-x86 debootstrap e2fsprogs openssh-client). The Debian root is made once (about 1 minute, 800 MB)
# and kept in $MITRA_VM_CACHE (default target/vm); the mirror is $MITRA_VM_MIRROR.
#
# Step 1 of the README builds the binary "on the server, or on a machine with the same
# distribution": the binary built here (Debian 12) is copied in, and the `cargo` line of that
# block is the one line not run in the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/checks.sh
source scripts/lib/checks.sh
repo=$PWD
bin=$(realpath "${1:-target/release/mitra}")
[ -x "$bin" ] || { echo "no mitra binary at $bin (cargo build --release first)" >&2; exit 1; }
for tool in qemu-system-x86_64 debootstrap mkfs.ext4 ssh ssh-keygen python3; do
    command -v "$tool" >/dev/null || { echo "check-reboot: $tool not found" >&2; exit 1; }
done
cache=${MITRA_VM_CACHE:-$repo/target/vm}
mirror=${MITRA_VM_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"
work=$(mktemp -d)
qemu_pid=
cleanup() {
    [ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
    cp "$work/console.log" "$cache/console.log" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
say() { echo "== reboot [$(date -u +%T)]: $*"; }
fail() {
    echo "check-reboot: $*" >&2
    echo "--- last lines of the machine's console:" >&2
    tail -n 40 "$work/console.log" >&2 || true
    exit 1
}

# --- The Debian root, made once -------------------------------------------------------------
root=$cache/bookworm
if [ ! -e "$root/.complete" ]; then
    say "making a Debian 12 root in $root (once)"
    rm -rf "$root"
    debootstrap --variant=minbase \
        --include=systemd,systemd-sysv,udev,kmod,dbus,openssh-server,curl,ca-certificates,linux-image-amd64,initramfs-tools,iproute2,passwd,login,gzip \
        bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
        || { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
    echo mitra-vm >"$root/etc/hostname"
    printf '/dev/vda / ext4 rw,relatime 0 1\n' >"$root/etc/fstab"
    printf '[Match]\nName=eth0\n\n[Network]\nDHCP=yes\n' >"$root/etc/systemd/network/20-eth0.network"
    chroot "$root" systemctl enable systemd-networkd.service ssh.service >/dev/null 2>&1
    touch "$root/.complete"
fi

# --- This run's disk: the root, a key for ssh, and the checkout --------------------------
say "preparing the machine's disk"
cp -a "$root" "$work/root"
ssh-keygen -q -t ed25519 -N '' -f "$work/key"
install -d -m 0700 "$work/root/root/.ssh"
install -m 0600 "$work/key.pub" "$work/root/root/.ssh/authorized_keys"
checkout=$work/root/root/mitra
mkdir -p "$checkout/target/release"
cp -a README.md deploy "$checkout/"
install -m 0755 "$bin" "$checkout/target/release/mitra"
mkfs.ext4 -q -F -L mitra-root -d "$work/root" "$work/disk.img" 4G
rm -rf "$work/root"

# --- The machine ---------------------------------------------------------------------------
port=$(free_port)
# QEMU's own emulation by default: it works on every machine, nested ones included (the
# 2-core CI machines expose /dev/kvm, but a guest hangs there under KVM). MITRA_VM_ACCEL=kvm
# asks for KVM where it works.
accel=${MITRA_VM_ACCEL:-tcg} cpu=max boot_wait=600
[ "$accel" = tcg ] || cpu=host boot_wait=180
say "booting Debian 12 under QEMU ($accel)"
kernel=$(ls "$root"/boot/vmlinuz-* | head -n 1)
initrd=$(ls "$root"/boot/initrd.img-* | head -n 1)
qemu-system-x86_64 -machine q35,accel=$accel -cpu $cpu -smp 2 -m 1536 \
    -kernel "$kernel" -initrd "$initrd" \
    -append "root=/dev/vda rw console=ttyS0 net.ifnames=0" \
    -drive "file=$work/disk.img,format=raw,if=virtio" \
    -netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$port-:22" -device virtio-net-pci,netdev=net0 \
    -display none -serial "file:$work/console.log" \
    -monitor "unix:$work/monitor,server,nowait" &
qemu_pid=$!

vm() {
    ssh -q -i "$work/key" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o ConnectTimeout=5 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -o BatchMode=yes \
        root@127.0.0.1 "$@"
}
boot_id() { vm cat /proc/sys/kernel/random/boot_id 2>/dev/null; }
# Waits for the machine to answer on ssh with a boot id other than $1, and for the boot to end.
wait_boot() {
    local before=$1 waited=0 id=
    while :; do
        kill -0 "$qemu_pid" 2>/dev/null || fail "QEMU exited"
        id=$(boot_id || true)
        [ -n "$id" ] && [ "$id" != "$before" ] && break
        [ "$waited" -lt "$boot_wait" ] || fail "the machine did not come back within ${boot_wait}s"
        sleep 2
        waited=$((waited + 2))
    done
    vm systemctl is-system-running --wait >/dev/null 2>&1 || true
    echo "$id"
}
monitor() {
    python3 - "$work/monitor" "$1" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
time.sleep(0.5)
EOF
}

# The README's shell blocks under "Running in production", before the container part: step 1
# (install), 2 (user and token), 3 (service and timer), 4 (restore), in that order.
readme_block() {
    awk -v want="$1" '
        /^## Running in production/ { on = 1; next }
        on && (/^## / || /^\*\*In a container\*\*/) { exit }
        on && /^       / { if (!inblock) { n++; inblock = 1 } if (n == want) print substr($0, 8); next }
        { inblock = 0 }
    ' README.md
}
for n in 1 2 3 4; do
    [ -n "$(readme_block $n)" ] || fail "README \"Running in production\" has no shell block $n"
done

# api METHOD PATH TOKEN [BODY]: a request from inside the machine; sets $status and $answer.
api() {
    local method=$1 path=$2 token=$3 body=${4:-} type=application/json out
    [ "$method" != PATCH ] || type=application/merge-patch+json
    out=$(vm "curl -sS -o /tmp/answer -w '%{http_code}\n' -X $method \
        -H 'Authorization: Bearer $token' -H 'Content-Type: $type' \
        ${body:+--data-binary @-} 'http://127.0.0.1:8080$path' && cat /tmp/answer" <<<"$body") \
        || fail "$method $path: no answer"
    status=${out%%$'\n'*}
    answer=${out#*$'\n'}
}
expect() { # expect STATUS what…
    local want=$1
    shift
    [ "$status" = "$want" ] || fail "$*: HTTP $status, expected $want: $answer"
}
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
check_service() {
    [ "$(vm systemctl is-active mitra.service)" = active ] || fail "mitra.service is not active after $1"
    [ "$(vm systemctl is-enabled mitra.service)" = enabled ] || fail "mitra.service is not enabled"
    [ "$(vm systemctl is-active mitra-backup.timer)" = active ] || fail "mitra-backup.timer is not active after $1"
    vm curl -fsS http://127.0.0.1:8080/readyz >/dev/null || fail "/readyz does not answer after $1"
}

boot=$(wait_boot none)
say "booted ($(vm uname -r), $(vm systemctl --version | head -n 1)); PID 1 is $(vm cat /proc/1/comm)"
[ "$(vm cat /proc/1/comm)" = systemd ] || fail "PID 1 is not systemd"

say "README steps 1-3, as root in /root/mitra"
for n in 1 2 3; do
    readme_block $n | grep -v '^cargo ' | vm 'cd /root/mitra && bash -euxo pipefail -s' \
        >"$work/step$n.log" 2>&1 || { cat "$work/step$n.log" >&2; fail "README step $n failed"; }
done
check_service "the install"
[ "$(vm stat -c %U:%a /var/lib/mitra)" = mitra:700 ] || fail "/var/lib/mitra is $(vm stat -c %U:%a /var/lib/mitra), expected mitra:700"
[ "$(vm ps -o user= -C mitra)" = mitra ] || fail "mitra does not run as the user mitra"
exposure=$(vm systemd-analyze security mitra.service --no-pager | tail -n 1)
say "systemd-analyze security: $exposure"
claimed=$(grep -o 'rates it [0-9.]*' README.md | grep -o '[0-9.]*$')
echo "$exposure" | grep -q "level for mitra.service: $claimed " \
    || fail "README says systemd-analyze security rates the unit $claimed; it says: $exposure"
organizer=$(vm head -n 1 /etc/mitra/organizer-tokens)

say "a firm registered, then a clean reboot"
firm='{"id": "kopi-sembalun", "name": "CV Kopi Sembalun Rinjani", "province": "NTB",
  "regency": "Lombok Timur", "kbli": ["10761"], "size": "small", "employees": 14,
  "products": [{"name": "Kopi arabika sangrai", "hs_code": "0901.21",
                "capacity": {"amount": 300, "unit": "kg", "per": "month"}}],
  "needs": [{"name": "Standing pouch", "volume": {"amount": 2000, "unit": "pcs", "per": "month"}}]}'
api POST /v1/firms "$organizer" "$firm"
expect 201 "registering kopi-sembalun"
firm_token=$(json '["token"]' <<<"$answer")
vm systemctl --no-block reboot
boot=$(wait_boot "$boot")
check_service "a clean reboot"
api GET /v1/firms/kopi-sembalun "$firm_token"
expect 200 "kopi-sembalun reading itself after the reboot"

say "a change acknowledged, then a hard reset"
api PATCH /v1/firms/kopi-sembalun "$organizer" '{"employees": 18}'
expect 200 "changing kopi-sembalun"
monitor system_reset
boot=$(wait_boot "$boot")
check_service "a hard reset"
api GET /v1/firms/kopi-sembalun "$organizer"
expect 200 "kopi-sembalun after the reset"
[ "$(json '["employees"]' <<<"$answer")" = 18 ] || fail "the change acknowledged before the reset is lost: $answer"

say "the backup unit, a firm added after it, and the README's restore"
vm systemctl start mitra-backup.service || { vm journalctl -u mitra-backup --no-pager >&2; fail "mitra-backup.service failed"; }
backup=$(vm "ls -1t /var/backups/mitra/mitra-*.jsonl.gz | head -n 1")
[ -n "$backup" ] || fail "no backup in /var/backups/mitra"
[ "$(vm stat -c %U:%a "$backup")" = mitra:600 ] || fail "$backup is $(vm stat -c %U:%a "$backup"), expected mitra:600"
later=${firm/kopi-sembalun/kopi-later}
api POST /v1/firms "$organizer" "$later"
expect 201 "registering kopi-later"
readme_block 4 | sed "s#/var/backups/mitra/mitra-[0-9TZ]*\.jsonl\.gz#$backup#" \
    | vm 'cd /root/mitra && bash -euxo pipefail -s' >"$work/restore.log" 2>&1 \
    || { cat "$work/restore.log" >&2; fail "the README's restore block failed"; }
check_restored() {
    check_service "$1"
    api GET /v1/firms/kopi-sembalun "$firm_token"
    expect 200 "kopi-sembalun reading itself with its token after $1"
    [ "$(json '["employees"]' <<<"$answer")" = 18 ] || fail "kopi-sembalun lost its change after $1"
    api GET /v1/firms/kopi-later "$organizer"
    expect 404 "kopi-later, registered after the backup, after $1"
}
check_restored "the restore"
vm systemctl --no-block reboot
boot=$(wait_boot "$boot")
check_restored "the restore and a reboot"
vm systemctl list-timers mitra-backup.timer --no-pager | grep -q mitra-backup.timer \
    || fail "mitra-backup.timer is not scheduled"
say "passed: the README's install survived two clean reboots and a hard reset, and restored its backup"
