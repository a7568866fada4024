#!/usr/bin/env bash
# The pages' front-end: preact + htm as ES modules, no bundler, no build step.
#  1. npm ci (web/package-lock.json, versions pinned) when web/node_modules is missing or older
#     than the lock file;
#  2. web/vendor/ (generated, git-ignored, served immutable under /assets/vendor/): the ES module
#     builds the pages import, their bare "preact" import made relative (no import map: the CSP
#     allows no inline script) and their source-map comments dropped; rewritten only on change.
# Run by scripts/setup; an image build runs `web/vendor.sh --omit-dev` (no test packages).
# Needs Node.js 20+ with npm.
set -euo pipefail
web=$(cd "$(dirname "$0")" && pwd)
omit=()
[[ ${1:-} == --omit-dev ]] && omit=(--omit=dev)
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)) || ! command -v npm >/dev/null; then
  echo "web/vendor.sh: web/ needs Node.js 20 or later with npm (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
if [[ ! -f $web/node_modules/.package-lock.json || $web/package-lock.json -nt $web/node_modules/.package-lock.json ]]; then
  echo "web/vendor.sh: npm ci (web/package-lock.json)"
  npm ci --prefix "$web" "${omit[@]}" --ignore-scripts --no-audit --no-fund --loglevel=error
  touch "$web/node_modules/.package-lock.json"
fi

mkdir -p "$web/vendor"
vendor() {  # vendor <file under web/node_modules> <name in web/vendor>
  local from=$web/node_modules/$1 to=$web/vendor/$2 tmp
  [[ -f $from ]] || { echo "web/vendor.sh: $from is missing (npm ci failed?)" >&2; exit 1; }
  tmp=$(mktemp "$web/vendor/.tmp.XXXXXX")
  sed -e 's#from"preact"#from"./preact.module.js"#g' -e "s#from 'preact'#from './preact.module.js'#g" \
    -e 's#from "preact"#from "./preact.module.js"#g' -e '/^\/\/# sourceMappingURL=/d' "$from" >"$tmp"
  if grep -qE "from ?[\"']preact[\"']" "$tmp"; then
    rm -f "$tmp"
    echo "web/vendor.sh: $1 still imports 'preact' by its bare name" >&2
    exit 1
  fi
  if cmp -s "$tmp" "$to"; then rm -f "$tmp"; else chmod 644 "$tmp" && mv "$tmp" "$to"; fi
}
vendor preact/dist/preact.mjs preact.module.js
vendor preact/hooks/dist/hooks.mjs hooks.module.js
vendor htm/dist/htm.module.js htm.module.js
vendor uplot/dist/uPlot.esm.js uplot.module.js  # the console's charts (settlement report)
vendor uplot/dist/uPlot.min.css uplot.min.css
echo "web/vendor.sh: web/vendor has $(ls "$web/vendor" | wc -l) modules"
