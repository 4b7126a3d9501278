#!/usr/bin/env bash
# Installs everything Telepath needs on a fresh Debian machine, and nothing twice:
# a second run on a prepared machine takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing_packages=()
# nginx: the proxy test runs docs/deploy/nginx-telepath.conf (the package's own
# service is not needed; the test starts nginx itself).
for package in chromium chromium-driver brotli nginx; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
    || missing_packages+=("$package")
done
if [ "${#missing_packages[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing_packages[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
fi

# The browser bundle: rustup's wasm32 target (path A) when rustup can fetch it,
# otherwise Debian's rustc-web building std from source (path B, see shared/toolchain.md).
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  if ! rustup target add wasm32-unknown-unknown; then
    say "rustup could not add wasm32; installing Debian's rustc-web to build std from source"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends rustc-web cargo-web rust-web-src lld-16 >/dev/null
  fi
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (about 3 minutes, once)"
  # Not --locked: the CLI's own lockfile names a webpki-roots release the registry mirror lacks.
  cargo install --quiet wasm-bindgen-cli --version "=$wasm_bindgen_version"
fi

# PostgreSQL for the store tests (the contract runs against it too, see the README):
# started when it is installed but down, so a rebooted machine or a fresh CI runner
# does not fail those tests. Where it is not installed, they say how to get one.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _port status _rest; do
    case "$status" in
      online*) ;;
      *) say "starting PostgreSQL $version/$cluster"
         sudo_if_needed pg_ctlcluster "$version" "$cluster" start ;;
    esac
  done
elif command -v service >/dev/null 2>&1 && [ -x /etc/init.d/postgresql ]; then
  service postgresql status >/dev/null 2>&1 || { say "starting PostgreSQL"; sudo_if_needed service postgresql start; }
fi

say "ready"
