import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// Runs every bench/*.bench.ts in turn, each in its own process so one
// benchmark's app, heap and database never colour the next one's figures.
// Names on the command line run only those benches:
//   npm run bench -- support-queue kb-search kb-suggest-typing

const only = process.argv.slice(2);
const files = readdirSync(__dirname)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.includes(name.replace(/\.bench\.ts$/, '')))
  .sort();
if (files.length === 0) {
  console.error(`No bench named ${only.join(', ')}`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, file)], {
    stdio: 'inherit',
    cwd: join(__dirname, '..'),
  });
  if (result.status !== 0) {
    failed++;
    console.error(`${file} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
