#!/bin/sh
# Packs the livets npm package as users install it: a tarball holding the
# built package with its native libraries stripped, the os and cpu it was
# built for, and the docs. Prints the tarball's path.
# Usage: pack.sh [DEST_DIR]   (default: <repo>/.build/npm)
# Run node-binding/build.sh (or scripts/build) first.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dest=${1:-"$root/.build/npm"}

for need in build/liblivetscore.so build/livets.node dist/index.js dist/index.mjs client/livets.js; do
  if [ ! -f "$here/$need" ]; then
    echo "pack.sh: node-binding/$need is missing; build the package first (scripts/build)" >&2
    exit 1
  fi
done

stage=$(mktemp -d "${TMPDIR:-/tmp}/livets-pack.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$stage/build" "$stage/docs" "$dest"

cp -R "$here/dist" "$here/client" "$here/bin" "$here/templates" "$stage/"
cp "$here/testing.js" "$here/testing.d.ts" "$stage/"
# Stripped into new files: the built libraries stay as they are, and a
# server that has them loaded is never written under.
strip --strip-unneeded -o "$stage/build/liblivetscore.so" "$here/build/liblivetscore.so"
strip --strip-unneeded -o "$stage/build/livets.node" "$here/build/livets.node"
# The docs travel inside the package; links out of node-binding/ point at them.
cp "$root"/docs/*.md "$stage/docs/"
sed 's#\.\./docs/#docs/#g' "$here/README.md" >"$stage/README.md"
# The tarball runs on the machine kind it was built on, and npm refuses it elsewhere.
node -e '
  const fs = require("fs")
  const [from, to] = process.argv.slice(1)
  const pkg = JSON.parse(fs.readFileSync(from, "utf8"))
  pkg.cpu = [process.arch]
  fs.writeFileSync(to, JSON.stringify(pkg, null, 2) + "\n")
' "$here/package.json" "$stage/package.json"

file=$(cd "$dest" && npm pack "$stage" --pack-destination "$dest" --offline --silent | tail -n 1)
echo "$dest/$file"
