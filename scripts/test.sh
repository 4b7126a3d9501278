#!/usr/bin/env bash
# Sets up a fresh machine if needed, then runs every check and test: formatting,
# clippy for the server (ssr) and browser (hydrate) builds, unit, router,
# real-server and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "setup";                 bash scripts/setup.sh
step "browser bundle";        bash scripts/build-site.sh
step "format";                cargo fmt --all --check
step "clippy (server, ssr)";  cargo clippy --quiet --workspace --all-targets --features telepath-server/testing -- -D warnings
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "clippy (browser, hydrate)"
  cargo clippy --quiet -p telepath-app --lib --target wasm32-unknown-unknown \
    --no-default-features --features hydrate -- -D warnings
fi
step "tests";                 cargo test --workspace
