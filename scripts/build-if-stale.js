#!/usr/bin/env node
'use strict';
// `prestart` and `precli`: runs `npm run build` only when a compiled input
// changed since the last good build, so `npm run cli -- …` does not pay for
// tsc on every call. A fresh clone has no dist/ and always builds.
const { spawnSync } = require('node:child_process');
const { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
// What tsconfig.build.json compiles, and the files that decide how.
const INPUTS = [
  'src',
  'plugins',
  'seeds',
  'mikro-orm.config.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];
const OUTPUTS = ['dist/src/main.js', 'dist/src/cli/main.js'];
// Our own stamp, not dist/.tsbuildinfo: `npm run lint` (tsc --noEmit) rewrites
// that file without emitting anything, which would hide a needed build.
const STAMP = join(ROOT, 'dist', '.build-stamp');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

// A folder's own time changes when an entry is added, removed or renamed,
// so a deleted source file counts as a change too.
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  let time = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of readdirSync(path)) time = Math.max(time, newest(join(path, name)));
  }
  return time;
}

function stale() {
  const built = mtime(STAMP);
  if (built === null || OUTPUTS.some((file) => mtime(join(ROOT, file)) === null)) return true;
  return INPUTS.some((input) => newest(join(ROOT, input)) > built);
}

if (stale()) {
  const started = new Date();
  process.stderr.write('SeatDesk: sources changed since the last build, building…\n');
  // Through npm, so `build` in package.json stays the one definition of a build.
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build', '--silent'], {
        cwd: ROOT,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  // Dated when the build started: a file saved while tsc ran is newer, and builds next time.
  utimesSync(STAMP, started, started);
}
