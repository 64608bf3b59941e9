#!/bin/sh
# Builds the native shim against the core library and compiles the
# TypeScript. Usage: build.sh [--ts-only]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
lib="$root/.build/release/liblivetscore.so"
node_include=${NODE_INCLUDE:-/usr/include/node}

if [ "${1:-}" != "--ts-only" ]; then
  if [ ! -f "$lib" ]; then
    echo "build.sh: $lib is missing; build the core first (scripts/build)" >&2
    exit 1
  fi
  mkdir -p "$here/build"
  # Running servers have these files mapped: writing over one in place
  # kills them (SIGBUS), so each is written beside it and renamed over it,
  # and left alone when nothing changed.
  . "$root/scripts/lib/install-file.sh"
  # The shim finds the library next to itself ($ORIGIN), wherever the
  # package ends up installed.
  install_file "$lib" "$here/build/liblivetscore.so"
  shim_tmp="$here/build/.livets.node.$$"
  # Hidden by default: the module exports only its N-API registration.
  ${CC:-cc} -shared -fPIC -O2 -Wall -Wextra -fvisibility=hidden \
    -I"$node_include" -I"$root/include" \
    "$here/native/livets_napi.c" "$here/native/values.c" "$here/native/config.c" \
    -L"$here/build" -llivetscore -lpthread \
    -Wl,-rpath,'$ORIGIN' \
    -o "$shim_tmp"
  install_file "$shim_tmp" "$here/build/livets.node"
  rm -f "$shim_tmp"
fi

cd "$here"
NODE_PATH=${NODE_PATH:-/usr/share/nodejs} tsc -p tsconfig.json
node "$here/build-esm.js"

# The package ships the connector it serves (package.json "files").
if [ -d "$root/client/dist" ]; then
  rm -rf "$here/client"
  mkdir -p "$here/client"
  cp "$root/client/dist/"*.js "$here/client/"
fi
