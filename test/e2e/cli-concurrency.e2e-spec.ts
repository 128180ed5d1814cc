import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../src/cli/sqlite-file';
import { PROJECT_ROOT } from '../../src/config/paths';
import { cliEnv, type CliResult } from '../utils/cli';
import { startCli, startServer } from '../utils/server-process';
import { tempDataDir } from '../utils/test-app';

const PASSWORD = 'violet-harbour-lantern-42';

/** The CLI as its own process, from TypeScript (no build), as `npm run cli -- …` runs it. */
async function cliProcess(dataDir: string, argv: string[]): Promise<CliResult> {
  const run = startCli(argv, cliEnv(dataDir));
  const code = await run.exited;
  return { code: code ?? 1, stdout: run.stdout(), stderr: run.stderr() };
}

describe('concurrent writers', () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates five people with five CLI runs at once while the server runs', async () => {
    const server = startServer(PROJECT_ROOT, { ...cliEnv(dataDir), PORT: '0', LOG_LEVEL: 'info' });
    const passwordFile = join(dataDir, 'password.txt');
    writeFileSync(passwordFile, PASSWORD);
    try {
      await server.listening;
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          cliProcess(dataDir, [
            'user:create',
            '--email',
            `racer${i}@concurrent.test`,
            '--password-file',
            passwordFile,
            '--role',
            'operator',
          ]),
        ),
      );
      for (const result of results) {
        // What an operator would see: no SQL, no hash, and every run succeeded.
        expect(result.stderr).not.toMatch(/insert into|\$argon2/i);
        expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      }
    } finally {
      await server.stop();
    }
    const db = openSqlite(join(dataDir, 'seatdesk.db'), { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare("select count(*) as n from people where email like 'racer%'").get()).toEqual({ n: 5 });
    } finally {
      db.close();
    }
  }, 120_000);
});
