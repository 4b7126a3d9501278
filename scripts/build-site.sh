#!/usr/bin/env bash
# Builds the browser bundle into target/site/pkg: the islands compiled to wasm,
# twice (customers' pages load `app`, without the agent console's islands; staff
# pages load `app_staff`, with them), wasm-bindgen's JS glue, the stylesheet, the
# chat panel (its own small wasm module, loaded by /chat only), and brotli/gzip
# copies of each.
set -euo pipefail
cd "$(dirname "$0")/.."

site=target/site/pkg
mkdir -p "$site"

if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  # One invocation each: cargo builds one artifact per crate and profile, so the
  # staff bundle is copied aside before the customers' build replaces it.
  cargo build --quiet -p telepath-app --lib --target wasm32-unknown-unknown \
    --no-default-features --features console-islands --profile wasm-release
  target_dir=${CARGO_TARGET_DIR:-target}
  staff_wasm=$(mktemp --suffix=.wasm)
  cp "$target_dir/wasm32-unknown-unknown/wasm-release/telepath_app.wasm" "$staff_wasm"
  cargo build --quiet -p telepath-app --lib --target wasm32-unknown-unknown \
    --no-default-features --features hydrate --profile wasm-release
  # A cargo invocation of its own: built together, the two would unify web-sys
  # features and the shared bundle would change because of the panel.
  cargo build --quiet -p telepath-chat-panel --lib --target wasm32-unknown-unknown --profile wasm-release
  wasm=$target_dir/wasm32-unknown-unknown/wasm-release/telepath_app.wasm
  panel=$target_dir/wasm32-unknown-unknown/wasm-release/telepath_chat_panel.wasm
else
  # Path B: Debian's compiler builds std from source (see scripts/setup.sh).
  debian_app() {
    RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-16 \
      /usr/bin/cargo build --quiet -Z build-std=std,panic_abort -p telepath-app --lib \
      --target wasm32-unknown-unknown --no-default-features --features "$1" \
      --profile wasm-release --target-dir target/debian
  }
  debian_app console-islands
  staff_wasm=$(mktemp --suffix=.wasm)
  cp target/debian/wasm32-unknown-unknown/wasm-release/telepath_app.wasm "$staff_wasm"
  debian_app hydrate
  RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-16 \
    /usr/bin/cargo build --quiet -Z build-std=std,panic_abort -p telepath-chat-panel --lib \
    --target wasm32-unknown-unknown --profile wasm-release --target-dir target/debian
  wasm=target/debian/wasm32-unknown-unknown/wasm-release/telepath_app.wasm
  panel=target/debian/wasm32-unknown-unknown/wasm-release/telepath_chat_panel.wasm
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging" "$staff_wasm"' EXIT
wasm-bindgen --target web --no-typescript --remove-name-section --out-name app \
  --out-dir "$staging" "$wasm"
# The suffix is STAFF_BUNDLE_SUFFIX in app/src/pages.rs.
wasm-bindgen --target web --no-typescript --remove-name-section --out-name app_staff \
  --out-dir "$staging" "$staff_wasm"
wasm-bindgen --target web --no-typescript --remove-name-section --out-name chat_panel \
  --out-dir "$staging" "$panel"
cp style/telepath.css "$staging/"

# Replace the bundle in one step so a running server never sees half of it.
rm -rf "$site.new" && mkdir -p "$site.new"
for file in "$staging"/*; do
  name=$(basename "$file")
  cp "$file" "$site.new/$name"
  brotli --force --best --output="$site.new/$name.br" "$file"
  gzip --best --no-name --stdout "$file" > "$site.new/$name.gz"
done
rm -rf "$site.old"; mv "$site" "$site.old"; mv "$site.new" "$site"; rm -rf "$site.old"
ls -l "$site" | awk 'NR > 1 { printf "  %-22s %9d bytes\n", $9, $5 }'
