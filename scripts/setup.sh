# Shared by scripts/run, scripts/test and scripts/bench (sourced, not run):
# installs whatever building, testing and benchmarking need, skipping anything
# already installed at the right version, so each script is safe to run again
# and again.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

# 0.3.11 needs rustc 1.96; this machine kind has 1.95.
CARGO_LEPTOS_VERSION="0.3.10"

# The environment cargo-leptos gives cargo. Using it for `cargo test` too lets the
# tests reuse the server build's compiled dependencies instead of building twice.
export LEPTOS_OUTPUT_NAME=concordat_tracker LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=. LEPTOS_BIN_DIR=. \
  LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q " ${CARGO_LEPTOS_VERSION}\$"; then
    say "installing cargo-leptos ${CARGO_LEPTOS_VERSION} (about 15 minutes on 2 cores, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
}

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_bindgen() {
  local version
  version="$(wasm_bindgen_version)"
  if [ -z "$version" ]; then
    echo "Cargo.lock names no wasm-bindgen version" >&2
    exit 1
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " ${version}\$"; then
    say "installing wasm-bindgen-cli ${version}"
    # --locked first; some of the lock file's pins (webpki-roots 1.0.11 for
    # 0.2.130) are missing from the registry here, so fall back to fresh resolution.
    cargo install wasm-bindgen-cli --version "$version" --locked ||
      cargo install wasm-bindgen-cli --version "$version"
  fi
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_cargo_leptos
  ensure_wasm_bindgen
}

# cargo-leptos runs wasm-opt on release builds and, with `no_downloads`, takes
# the first on PATH. Debian's (binaryen 108) breaks this WASM: the optimised
# bundle fails to hydrate ("WebAssembly.Table.set(): Argument 1 is invalid for
# table"). The npm package binaryen, pinned in end2end/package.json, is current.
with_current_wasm_opt() {
  PATH="$ROOT/end2end/node_modules/.bin:$PATH" "$@"
}

# The size of the release WASM as served, raw and gzipped (the README records it).
report_wasm_size() {
  local wasm="target/site/pkg/${LEPTOS_OUTPUT_NAME}.wasm"
  if [ -f "$wasm" ]; then
    printf 'release WASM: %s bytes, %s bytes gzipped\n' "$(wc -c <"$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
  fi
}

ensure_chromium() {
  if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
    say "installing Debian's chromium"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
}

ensure_end2end_packages() {
  if [ ! -x end2end/node_modules/.bin/playwright ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing end-to-end test packages"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

# The integration tests use the local PostgreSQL server for real.
ensure_postgres() {
  if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
}

# scripts/bench drives the load with Debian's wrk (HTTP/1.1, keep-alive, many
# connections from two threads), which curl alone cannot do.
ensure_bench_tools() {
  if ! command -v wrk >/dev/null; then
    say "installing Debian's wrk"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
  fi
}
