#!/usr/bin/env bash
# Sets up a fresh machine if needed, builds the portal, and runs it on its embedded
# defaults: the bundled content/ and a SQLite database under data/. Extra arguments
# go to `telepath serve` (e.g. --listen 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build-site.sh
cargo build --quiet --release -p telepath-server --bin telepath
exec target/release/telepath serve "$@"
