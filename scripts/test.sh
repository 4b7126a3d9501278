#!/usr/bin/env bash
# Sets up a fresh machine if needed, then runs every check and test: formatting,
# clippy for the server (ssr) and both browser bundles (hydrate, console-islands),
# unit, router, real-server and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "setup";                 bash scripts/setup.sh
step "browser bundle";        bash scripts/build-site.sh
step "format";                cargo fmt --all --check
step "module graph";          python3 scripts/module-graph.py
step "clippy (server, ssr)";  cargo clippy --quiet --workspace --all-targets --features telepath-server/testing -- -D warnings
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  # Both bundles: the customers' (hydrate) and the staff pages' (console-islands).
  for features in hydrate console-islands; do
    step "clippy (browser, $features)"
    cargo clippy --quiet -p telepath-app --lib --target wasm32-unknown-unknown \
      --no-default-features --features "$features" -- -D warnings
  done
fi
# The crash test kills and restarts the real binary, so it must exist first.
step "server binary";         cargo build --quiet -p telepath-server --bin telepath
step "tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace 2>&1 | tee "$log" || status=$?
# One closing line over every test binary, so the total is not lost among them.
awk '/^test result:/ { passed += $4; failed += $6; ignored += $8 }
     END { printf "\ntests: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' "$log"
exit "$status"
