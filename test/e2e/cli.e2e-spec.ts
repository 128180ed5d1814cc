import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PasswordHasher } from '../../src/common/security/password-hasher';
import { openSqlite } from '../../src/cli/sqlite-file';
import { PROJECT_ROOT } from '../../src/config/paths';
import { Readable } from 'node:stream';
import { cli as runCliTest, cliEnv, expectOneLineError, type CliResult, queryDataDir } from '../utils/cli';
import { tempDataDir } from '../utils/test-app';

const PASSWORD = 'violet-harbour-lantern-42';

/**
 * Runs the CLI in-process. `--password X` is handed to user:create on standard
 * input (`--password-stdin`), as scripts should: the option itself warns on
 * stderr, which is tested with the other password sources in cli-input.
 */
function cli(dataDir: string, argv: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  const at = argv.indexOf('--password');
  if (argv[0] !== 'user:create' || at < 0) return runCliTest(dataDir, argv, extra);
  const rest = [...argv.slice(0, at), '--password-stdin', ...argv.slice(at + 2)];
  return runCliTest(dataDir, rest, extra, Readable.from([`${argv[at + 1]}\n`]));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const query = queryDataDir;

const emails = (dataDir: string) =>
  query<{ email: string }>(dataDir, 'select email from people order by email').map((row) => row.email);

describe('operator CLI', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  describe('help and usage', () => {
    it('prints the program help with every command and exits 0', async () => {
      const result = await cli(fresh(), ['--help']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^Usage: seatdesk /);
      for (const name of ['db:migrate', 'db:seed', 'db:backup', 'db:restore', 'org:create', 'user:create']) {
        expect(result.stdout).toContain(name);
      }
    });

    it("prints a command's options with their descriptions", async () => {
      const result = await cli(fresh(), ['user:create', '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: seatdesk user:create [options]');
      for (const flag of [
        '--email <email>',
        '--password <password>',
        '--password-stdin',
        '--password-file <path>',
        '--role <role>',
        '--org <name>',
        '--name <name>',
      ]) {
        expect(result.stdout).toContain(flag);
      }
      expect(result.stdout.replace(/\s+/g, ' ')).toContain('admin and member need --org');
    });

    it('refuses an unknown command with a usage error', async () => {
      const result = await cli(fresh(), ['db:frobnicate']);
      expect(result.code).toBe(2);
      expectOneLineError(result, /unknown command 'db:frobnicate'/);
    });

    it('refuses a command without its required option', async () => {
      const result = await cli(fresh(), ['org:create']);
      expect(result.code).toBe(2);
      expectOneLineError(result, /^org:create: required option '--name <name>' not specified/);
    });

    it('stops on bad configuration with one line naming the variable', async () => {
      const result = await cli(fresh(), ['db:migrate'], { PORT: 'abc' });
      expect(result.code).toBe(1);
      expectOneLineError(result, /PORT/);
      expect(result.stdout).toBe('');
    });
  });

  describe('db:migrate', () => {
    it('applies the migrations, then says the database is up to date', async () => {
      const dir = fresh();
      const first = await cli(dir, ['db:migrate']);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toMatch(/^Applied Migration\d+_initial$/m);
      const second = await cli(dir, ['db:migrate']);
      expect(second).toEqual({ code: 0, stdout: 'Database is up to date.\n', stderr: '' });
    });
  });

  describe('org:create', () => {
    it('prints the new id alone, and refuses a duplicate name', async () => {
      const dir = fresh();
      const created = await cli(dir, ['org:create', '--name', 'Acme Security']);
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
      const id = created.stdout.trim();
      expect(id).toMatch(UUID);
      expect(query(dir, 'select id, name from organizations')).toEqual([{ id, name: 'Acme Security' }]);

      const duplicate = await cli(dir, ['org:create', '--name', 'acme security']);
      expectOneLineError(duplicate, /^org:create: name: An organization with this name already exists\./);
      expect(duplicate.stdout).toBe('');
    });
  });

  describe('user:create', () => {
    let dir: string;
    beforeAll(async () => {
      // A fresh install: user:create applies the migrations itself.
      dir = fresh();
      expect((await cli(dir, ['org:create', '--name', 'Acme'])).code).toBe(0);
    });

    it('creates an active member of the named organization and prints the id', async () => {
      const result = await cli(dir, [
        'user:create',
        '--email',
        'Dana@Acme.test',
        '--password',
        PASSWORD,
        '--role',
        'member',
        '--org',
        'Acme',
      ]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const id = result.stdout.trim();
      expect(id).toMatch(UUID);
      const [row] = query<Record<string, string>>(
        dir,
        'select p.email, p.name, p.role, p.status, o.name as org from people p join organizations o on o.id = p.organization_id where p.id = ?',
        id,
      );
      // The name defaults to the email's local part; emails are stored lower-cased.
      expect(row).toEqual({ email: 'dana@acme.test', name: 'Dana', role: 'member', status: 'active', org: 'Acme' });
    });

    it('creates an operator without an organization, with the given name', async () => {
      const result = await cli(dir, [
        'user:create',
        '--email',
        'ops@acme.test',
        '--password',
        PASSWORD,
        '--role',
        'operator',
        '--name',
        'Olga Ops',
      ]);
      expect(result.code).toBe(0);
      expect(query(dir, 'select name, organization_id from people where id = ?', result.stdout.trim())).toEqual([
        { name: 'Olga Ops', organization_id: null },
      ]);
    });

    it('refuses a weak password', async () => {
      const result = await cli(dir, [
        'user:create',
        '--email',
        'weak@acme.test',
        '--password',
        'short',
        '--role',
        'operator',
      ]);
      expectOneLineError(result, /^user:create: password: Use at least 12 characters\.\n$/);
      expect(emails(dir)).not.toContain('weak@acme.test');
    });

    it('refuses a duplicate email whatever its case', async () => {
      const first = await cli(dir, [
        'user:create',
        '--email',
        'A@X.test',
        '--password',
        PASSWORD,
        '--role',
        'helpdesk',
      ]);
      expect(first.code).toBe(0);
      const second = await cli(dir, [
        'user:create',
        '--email',
        'a@x.test',
        '--password',
        PASSWORD,
        '--role',
        'operator',
      ]);
      expectOneLineError(second, /^user:create: email: A person with this email address already exists\./);
      expect(emails(dir).filter((email) => email === 'a@x.test')).toHaveLength(1);
    });

    it('refuses an unknown role', async () => {
      const result = await cli(dir, [
        'user:create',
        '--email',
        'boss@acme.test',
        '--password',
        PASSWORD,
        '--role',
        'boss',
      ]);
      expectOneLineError(result, /^user:create: role: Choose one of: operator, helpdesk, admin, member\./);
    });

    it('refuses a member without --org, and helpdesk with one', async () => {
      const member = await cli(dir, [
        'user:create',
        '--email',
        'm@acme.test',
        '--password',
        PASSWORD,
        '--role',
        'member',
      ]);
      expectOneLineError(member, /^user:create: org: Organization admins and members belong to an organization/);
      const helpdesk = await cli(dir, [
        'user:create',
        '--email',
        'h@acme.test',
        '--password',
        PASSWORD,
        '--role',
        'helpdesk',
        '--org',
        'Acme',
      ]);
      expectOneLineError(helpdesk, /^user:create: org: Helpdesk staff serve every organization/);
      expect(emails(dir)).not.toEqual(expect.arrayContaining(['m@acme.test']));
      expect(emails(dir)).not.toEqual(expect.arrayContaining(['h@acme.test']));
    });

    it('refuses an organization that does not exist', async () => {
      const result = await cli(dir, [
        'user:create',
        '--email',
        'x@nope.test',
        '--password',
        PASSWORD,
        '--role',
        'admin',
        '--org',
        'Nope Inc',
      ]);
      expectOneLineError(result, /^user:create: org: no organization is named "Nope Inc"/);
    });
  });

  describe('db:backup and db:restore', () => {
    let dir: string;
    let backup: string;
    beforeAll(async () => {
      dir = fresh();
      backup = join(dir, 'backup-1.db');
      for (const email of ['keep@acme.test', 'lost@acme.test']) {
        expect(
          (await cli(dir, ['user:create', '--email', email, '--password', PASSWORD, '--role', 'operator'])).code,
        ).toBe(0);
      }
    });

    it('writes a verified, private copy holding the people created before', async () => {
      const result = await cli(dir, ['db:backup', '--out', backup]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Backup written to .*backup-1\.db \(\d+(\.\d)? KiB, integrity check ok\)\.\n$/);
      expect(statSync(backup).mode & 0o777).toBe(0o600);
      // Self-contained: no -wal beside it, nothing half-written left over.
      expect(readdirSync(dir).filter((name) => name.startsWith('backup-1'))).toEqual(['backup-1.db']);
      const copy = openSqlite(backup, { readonly: true, fileMustExist: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = copy.prepare('select email from people order by email').all();
        expect(rows).toEqual([{ email: 'keep@acme.test' }, { email: 'lost@acme.test' }]);
      } finally {
        copy.close();
      }
    });

    it('refuses to overwrite an existing file', async () => {
      const before = readFileSync(backup);
      const result = await cli(dir, ['db:backup', '--out', backup]);
      expectOneLineError(result, /^db:backup: .*backup-1\.db already exists/);
      expect(readFileSync(backup).equals(before)).toBe(true);
    });

    it('brings back a person deleted after the backup', async () => {
      const db = openSqlite(join(dir, 'seatdesk.db'), { fileMustExist: true });
      expect(db.prepare('delete from people where email = ?').run('lost@acme.test').changes).toBe(1);
      db.close();
      expect(emails(dir)).toEqual(['keep@acme.test']);

      const result = await cli(dir, ['db:restore', '--in', backup]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Restored .*backup-1\.db into .*seatdesk\.db \(schema at Migration\d+_\w+\)\.$/m);
      expect(emails(dir)).toEqual(['keep@acme.test', 'lost@acme.test']);
      // The replaced database is kept, and the restored one works with the app.
      const kept = readdirSync(dir).filter((name) => name.startsWith('seatdesk.db.pre-restore-'));
      expect(kept).toHaveLength(1);
      expect(result.stdout).toContain(kept[0]);
      const more = await cli(dir, [
        'user:create',
        '--email',
        'after@acme.test',
        '--password',
        PASSWORD,
        '--role',
        'helpdesk',
      ]);
      expect(more.code).toBe(0);
    });

    describe('while a server runs on the same database', () => {
      let sleeper: ChildProcess;
      beforeAll(() => {
        sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
        writeFileSync(
          join(dir, 'seatdesk.pid'),
          JSON.stringify({ pid: sleeper.pid, database: join(dir, 'seatdesk.db') }),
        );
      });
      afterAll(() => {
        rmSync(join(dir, 'seatdesk.pid'), { force: true });
        sleeper.kill();
      });

      it('refuses to restore, naming the process', async () => {
        const before = emails(dir);
        const result = await cli(dir, ['db:restore', '--in', backup]);
        expectOneLineError(
          result,
          new RegExp(`^db:restore: SeatDesk is running \\(pid ${sleeper.pid}\\) on this database: stop it first`),
        );
        expect(emails(dir)).toEqual(before);
      });
    });

    it('refuses a file that is not a SQLite database', async () => {
      const junk = join(dir, 'notes.txt');
      writeFileSync(junk, 'these are not the pages you are looking for\n'.repeat(200));
      const result = await cli(dir, ['db:restore', '--in', junk]);
      expectOneLineError(result, /^db:restore: .*notes\.txt is not a SQLite database/);
      expect(emails(dir)).toContain('after@acme.test');
    });

    it('refuses a SQLite file without SeatDesk data, and a missing file', async () => {
      const other = join(dir, 'other.db');
      const db = openSqlite(other);
      db.prepare('create table notes (body text)').run();
      db.close();
      expectOneLineError(await cli(dir, ['db:restore', '--in', other]), /no mikro_orm_migrations table/);
      expectOneLineError(await cli(dir, ['db:restore', '--in', join(dir, 'missing.db')]), /missing\.db does not exist/);
    });
  });

  describe('db:seed', () => {
    it('without --demo ensures the catalog defaults and changes nothing else', async () => {
      const dir = fresh();
      const result = await cli(dir, ['db:seed']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Catalog defaults: /);
      expect(query(dir, 'select count(*) as n from people')).toEqual([{ n: 0 }]);
    });

    it('--demo creates the demo people once, printing passwords that sign in', async () => {
      const dir = fresh();
      const result = await cli(dir, ['db:seed', '--demo']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const rows = result.stdout
        .split('\n')
        .map((line) => line.trim().split(/\s{2,}/))
        .filter((cells) => cells.length === 3 && cells[0].endsWith('@demo.seatdesk.test'));
      expect(rows.map(([email, role]) => [email, role]).sort()).toEqual(
        [
          ['admin@demo.seatdesk.test', 'admin'],
          ['helpdesk@demo.seatdesk.test', 'helpdesk'],
          ['member1@demo.seatdesk.test', 'member'],
          ['member2@demo.seatdesk.test', 'member'],
          ['member3@demo.seatdesk.test', 'member'],
          ['operator@demo.seatdesk.test', 'operator'],
        ].sort(),
      );
      const passwords = rows.map(([, , password]) => password);
      expect(new Set(passwords).size).toBe(6);

      const people = query<{ email: string; password_hash: string; org: string | null }>(
        dir,
        'select p.email, p.password_hash, o.name as org from people p left join organizations o on o.id = p.organization_id',
      );
      expect(people).toHaveLength(6);
      const hasher = new PasswordHasher();
      for (const [email, role, password] of rows) {
        const person = people.find((p) => p.email === email)!;
        expect(await hasher.verify(person.password_hash, password)).toBe(true);
        expect(person.org).toBe(role === 'admin' || role === 'member' ? 'Demo Company' : null);
      }
      expect(
        await hasher.verify(people.find((p) => p.email === 'admin@demo.seatdesk.test')!.password_hash, passwords[1]),
      ).toBe(false);

      const again = await cli(dir, ['db:seed', '--demo']);
      expect(again).toMatchObject({ code: 0, stderr: '' });
      expect(again.stdout).toContain('Demo data already exists');
      expect(again.stdout).not.toMatch(/@demo\.seatdesk\.test/);
      expect(query(dir, 'select count(*) as n from people')).toEqual([{ n: 6 }]);
      expect(query(dir, 'select count(*) as n from organizations')).toEqual([{ n: 1 }]);
    });

    it('--demo creates nothing when one demo person cannot be made', async () => {
      const dir = fresh();
      const taken = 'member2@demo.seatdesk.test';
      expect(
        (await cli(dir, ['user:create', '--email', taken, '--password', PASSWORD, '--role', 'helpdesk'])).code,
      ).toBe(0);
      const result = await cli(dir, ['db:seed', '--demo']);
      expectOneLineError(
        result,
        /^db:seed: cannot create the demo person member2@demo\.seatdesk\.test: .*already exists/,
      );
      expect(result.stdout).not.toMatch(/@demo\.seatdesk\.test/);
      expect(emails(dir)).toEqual([taken]);
      expect(query(dir, 'select count(*) as n from organizations')).toEqual([{ n: 0 }]);
    });
  });

  describe('the compiled command', () => {
    const main = join(PROJECT_ROOT, 'dist/src/cli/main.js');

    // Built only when missing or older than the CLI sources (a fresh clone has no dist/).
    beforeAll(async () => {
      const sources = readdirSync(join(PROJECT_ROOT, 'src/cli')).map(
        (name) => statSync(join(PROJECT_ROOT, 'src/cli', name)).mtimeMs,
      );
      if (!existsSync(main) || statSync(main).mtimeMs < Math.max(...sources)) {
        await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: PROJECT_ROOT });
      }
    }, 180_000);

    const run = (args: string[], extra: Record<string, string>) =>
      new Promise<CliResult>((resolve) => {
        execFile(
          process.execPath,
          [main, ...args],
          { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, ...cliEnv(fresh(), extra) }, timeout: 30_000 },
          (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        );
      });

    it('prints help and exits 0, and exits 1 on bad configuration', async () => {
      const help = await run(['--help'], {});
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: seatdesk /);
      const bad = await run(['db:migrate'], { PORT: 'abc' });
      expect(bad.code).toBe(1);
      expectOneLineError(bad, /PORT/);
    });
  });
});
