// The uWebSockets peer of the transport benchmark: scripts/bench/peers/uws-echo.c
// built against libsocketify_linux_amd64.so, the build of uWebSockets and
// uSockets (on libuv) that socketify ships on PyPI. The sdist is fetched with
// pip into .cache when missing; the host is rebuilt into .build/bench when its
// source is newer. LIVETS_UWS_ECHO=path runs that binary instead.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '..');
const SOCKETIFY_VERSION = '0.0.31';
const source = path.join(root, 'scripts', 'bench', 'peers', 'uws-echo.c');
const binary = path.join(root, '.build', 'bench', 'uws-echo');
const cache = path.join(root, '.cache');
const libraryDir = path.join(cache, `socketify-${SOCKETIFY_VERSION}`, 'src', 'socketify');
const library = path.join(libraryDir, 'libsocketify_linux_amd64.so');

function run(command, args, what) {
  const result = spawnSync(command, args, { stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`${what} failed (${command} ${args.join(' ')})`);
}

// The path of a runnable uws-echo, building it (and fetching socketify) first if needed.
function ensureUwsEcho(log) {
  if (process.env.LIVETS_UWS_ECHO) return process.env.LIVETS_UWS_ECHO;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error('the uWebSockets peer needs linux x64 (socketify ships libsocketify_linux_amd64.so); set LIVETS_UWS_ECHO to another build');
  }
  if (!fs.existsSync(library)) {
    const sdist = path.join(cache, `socketify-${SOCKETIFY_VERSION}.tar.gz`);
    if (!fs.existsSync(sdist)) {
      log(`fetching socketify ${SOCKETIFY_VERSION} (sdist) with pip into .cache`);
      fs.mkdirSync(cache, { recursive: true });
      run('python3', ['-m', 'pip', 'download', `socketify==${SOCKETIFY_VERSION}`, '--no-deps', '--no-binary', ':all:', '-d', cache], 'pip download');
    }
    run('tar', ['-xzf', sdist, '-C', cache], 'unpacking socketify');
    if (!fs.existsSync(library)) throw new Error(`${path.relative(root, library)} is not in the socketify sdist`);
  }
  const stale = (file) => !fs.existsSync(binary) || fs.statSync(file).mtimeMs > fs.statSync(binary).mtimeMs;
  if (stale(source) || stale(library)) {
    log('building the uWebSockets peer (scripts/bench/peers/uws-echo.c)');
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    run('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-std=c11', source, '-o', binary, library, `-Wl,-rpath,${libraryDir}`], 'building uws-echo');
  }
  return binary;
}

module.exports = { ensureUwsEcho, SOCKETIFY_VERSION };
