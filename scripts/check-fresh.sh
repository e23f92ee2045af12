#!/usr/bin/env bash
# make check-fresh: the README's two commands on a bare Debian, as an administrator runs them.
# Builds a minimal Debian root with debootstrap in a temporary folder, installs only what the
# README asks the administrator for (python3, python3-venv, make), copies a clean clone of
# this repository into it and runs, as root in the chroot: make up, waits for the UI's health
# endpoint, runs one deployment and waits for it, make down, make test. Each step is reported
# with its duration; the report goes to test-output/check-fresh.txt.
#
# Carried in from this machine, because they are the network's and not the product's: its
# trusted certificates and its proxy settings (a network that inspects HTTPS needs both).
# PostgreSQL is the machine's own at 127.0.0.1:5432 (the chroot shares the network).
# Usage: sudo make check-fresh   (CLM_FRESH_SUITE=bookworm; CLM_FRESH_KEEP=1 keeps the root)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
suite=${CLM_FRESH_SUITE:-bookworm}
[ "$(id -u)" -eq 0 ] || { echo "make check-fresh vraagt root (debootstrap en chroot)" >&2; exit 1; }
work=$(mktemp -d /var/tmp/clm-fresh.XXXXXX)
root=$work/root
logs=$work/logs
mkdir -p "$logs" "$here/test-output"
report=$here/test-output/check-fresh.txt
: >"$report"
failed=0

say() { echo "$*" | tee -a "$report"; }

# step NAME COMMAND…: runs the command with its output in logs/NAME.log; reports the time
step() {
  local name=$1 start status log
  shift
  log="$logs/$(printf '%s' "$name" | tr -c 'A-Za-z0-9' '-').log"
  [ "$failed" -eq 0 ] || { say "$(printf '%-34s %8s  %s' "$name" "-" "overgeslagen")"; return 1; }
  start=$(date +%s)
  if "$@" >"$log" 2>&1; then status=ok; else status="MISLUKT (log: $log)"; failed=1; fi
  local took=$(( $(date +%s) - start ))
  say "$(printf '%-34s %5d:%02d  %s' "$name" $((took / 60)) $((took % 60)) "$status")"
  [ "$failed" -eq 0 ] || tail -n 30 "$log" | sed 's/^/    /' | tee -a "$report"
}

# in_root COMMAND: a login-less root shell in the chroot, with a clean environment
in_root() {
  env -i HOME=/root LANG=C.UTF-8 TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    ${carried[@]+"${carried[@]}"} chroot "$root" /bin/bash -c "$1"
}

carried=()
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  [ -n "${!name:-}" ] && carried+=("$name=${!name}")
done
# A network that inspects HTTPS has its own authority in this machine's bundle; the root gets
# a copy under a name of its own (the root's ca-certificates package rewrites the usual one).
network_ca=""
if [ -n "${PIP_CERT:-}${SSL_CERT_FILE:-}${REQUESTS_CA_BUNDLE:-}" ] \
   && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  network_ca=/etc/ssl/network-ca.crt
  carried+=("PIP_CERT=$network_ca" "SSL_CERT_FILE=$network_ca" "REQUESTS_CA_BUNDLE=$network_ca")
fi

mounted=()
cleanup() {
  # processes left in the root (a failed step) are stopped before anything is unmounted
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/root" 2>/dev/null)" = "$root" ] && kill -KILL "${proc#/proc/}" 2>/dev/null
  done
  sleep 1
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null; done
  if [ "${CLM_FRESH_KEEP:-0}" = "1" ]; then
    echo "De root blijft staan: $root"
  elif findmnt -rn -o TARGET | grep -q "^$root"; then
    echo "Nog gekoppeld onder $root; niet verwijderd" >&2
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT

install_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
}

mount_into_root() {
  for target in proc sys dev dev/pts; do mkdir -p "$root/$target"; done
  mount -t proc proc "$root/proc" && mounted+=("$root/proc")
  mount -t sysfs sys "$root/sys" && mounted+=("$root/sys")
  mount --bind /dev "$root/dev" && mounted+=("$root/dev")
  mount --bind /dev/pts "$root/dev/pts" && mounted+=("$root/dev/pts")
  mkdir -p "$root/dev/shm"
  mount -t tmpfs -o size=1g shm "$root/dev/shm" && mounted+=("$root/dev/shm")  # chromium
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # packages installed in the root do not start their services (dovecot would take the port)
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
  if [ -n "$network_ca" ]; then
    mkdir -p "$root/etc/ssl"
    cp /etc/ssl/certs/ca-certificates.crt "$root$network_ca"
  fi
}

# what the README asks the administrator to have: Python 3.11+ with venv, and make
readme_prerequisites() {
  in_root "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 python3-venv make"
}

copy_clean_clone() {
  git clone -q "$here" "$root/srv/clm" && rm -rf "$root/srv/clm/.git"
  # the seeds and design beside the checkout, as in CI
  [ -d "$here/../shared" ] && cp -r "$here/../shared" "$root/srv/shared"
  return 0
}

# the README's optional package: the recovery test's own PostgreSQL instance (the programs
# only; the root starts no service, and the machine's server keeps its port)
optional_postgresql() {
  in_root "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql"
}

wait_for_health() {
  for _ in $(seq 1 120); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:4200/api/health', timeout=2)" \
      2>/dev/null && return 0
    sleep 1
  done
  return 1
}

one_deployment() {
  in_root "cd /srv/clm && source scripts/env.sh && prefect deployment run \
    yearly-classification/jaarlijkse-classificatie --watch" | tee "$logs/deployment-run.txt"
  grep -q "Completed" "$logs/deployment-run.txt"
}

say "make check-fresh: Debian $suite, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git -C "$here" rev-parse --short HEAD)"
step "debootstrap installeren (host)" install_debootstrap
step "kale Debian-root (debootstrap)" debootstrap --variant=minbase "$suite" "$root"
step "proc, sys, dev koppelen" mount_into_root
step "python3, python3-venv, make" readme_prerequisites
step "schone clone kopiëren" copy_clean_clone
step "make up" in_root "cd /srv/clm && make up"
step "UI gezond (/api/health)" wait_for_health
step "één deployment (classificatie)" one_deployment
step "make down" in_root "cd /srv/clm && make down"
step "postgresql (optioneel, README)" optional_postgresql
step "make test" in_root "cd /srv/clm && make test PYTEST_ARGS=-rs"
if [ -f "$logs/make-test.log" ]; then
  grep -E "^SKIPPED" "$logs/make-test.log" | sed 's/^/    /' | tee -a "$report"
  grep -E " (passed|failed)|^make test:" "$logs/make-test.log" | tail -n 2 | sed 's/^/    /' | tee -a "$report"
fi
say "logs: $logs"
exit "$failed"
