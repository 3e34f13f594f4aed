#!/usr/bin/env bash
# Builds the web app into dist/, from the repository root (`./x` runs it).
#
# The bundle is split so that a phone's first visit downloads the shell, not every page:
# Cargo builds one WASM module that keeps its relocations; `wasm-split-cli` cuts out the page
# groups marked `#[wasm_split]` (app/src/pages/mod.rs) and the code they share; wasm-bindgen
# then processes the main module; wasm-opt shrinks every piece. Trunk cannot split
# (trunk-rs/trunk#1022), so this script does its job: everything the app loads goes into a
# directory named after its content's hash, which the server lets browsers keep for a year,
# and index.html points into it.
set -euo pipefail
cd "$(dirname "$0")/.."

work=target/web
dist=dist
rm -rf "$work" "$dist"
mkdir -p "$work/split" "$work/pkg" "$dist"

cargo build --quiet -p app --release --target wasm32-unknown-unknown
wasm-split-cli target/wasm32-unknown-unknown/release/app.wasm "$work/split" --out-name app
wasm-bindgen "$work/split/app.wasm" --out-dir "$work/pkg" --target web --no-typescript \
  --keep-lld-exports
find "$work/split" -type f ! -name app.wasm -exec cp {} "$work/pkg/" \;

# wasm-bindgen has already dropped the main module's names; the chunks still carry theirs,
# with a subsection wasm-opt does not know and warns about once per chunk.
find "$work/pkg" -name '*.wasm' -print0 | xargs -0 -P "$(nproc)" -I{} bash -c \
  'set -o pipefail; wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory \
     --enable-nontrapping-float-to-int "$1" -o "$1" 2>&1 | { grep -v "unknown name subsection" || true; } >&2' _ {}

hash() { cat "$@" | sha256sum | cut -c1-16; }
pkg="app-$(hash "$work"/pkg/*)"
mv "$work/pkg" "$dist/$pkg"
css="main-$(hash style/main.css).css"
cp style/main.css "$dist/$css"
cp -r public/. "$dist/"
sed -e "s|{{pkg}}|/$pkg|g" -e "s|{{css}}|/$css|g" app/index.html >"$dist/index.html"

# The service worker precaches every file above, so the installed app opens with no signal.
workbox generateSW app/workbox-config.cjs >/dev/null
find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.svg' -o -name '*.json' -o -name '*.webmanifest' \) -print0 |
  xargs -0 -P "$(nproc)" -I{} sh -c 'brotli -f -k -q 11 "$1" && gzip -f -k -9 "$1"' _ {}
