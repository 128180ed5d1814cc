import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// Runs every bench/*.bench.ts in turn, each in its own process so one
// benchmark's app, heap and database never colour the next one's figures.

const files = readdirSync(__dirname)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort();

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
