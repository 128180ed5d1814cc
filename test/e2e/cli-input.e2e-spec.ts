import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { CliStdin } from '../../src/cli/cli-input';
import { openSqlite } from '../../src/cli/sqlite-file';
import { PasswordHasher } from '../../src/common/security/password-hasher';
import { cli, expectOneLineError } from '../utils/cli';
import { tempDataDir } from '../utils/test-app';

const PASSWORD = 'violet-harbour-lantern-42';
const LINE = 'Remove line breaks and invisible formatting characters from this field.';

function count(dataDir: string, table: 'people' | 'organizations'): number {
  const db = openSqlite(join(dataDir, 'seatdesk.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('CLI names follow the forms’ rules', () => {
  const dirs: string[] = [];
  const fresh = async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    expect((await cli(dir, ['db:migrate'])).code).toBe(0);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it.each([
    ['a line break', 'Acme\r\nOperator: approved'],
    ['a right-to-left override', 'Acme \u202Egnp.exe'],
    ['a NUL', 'Acme\u0000'],
  ])('org:create refuses %s in --name', async (_, name) => {
    const dir = await fresh();
    const result = await cli(dir, ['org:create', '--name', name]);
    expectOneLineError(result, /^org:create: name: Remove /);
    expect(result.stdout).toBe('');
    expect(count(dir, 'organizations')).toBe(0);
  });

  it.each([
    ['a line break', 'Ann\nAdmin'],
    ['a right-to-left override', 'Ann \u202Enimda'],
  ])('user:create refuses %s in --name', async (_, name) => {
    const dir = await fresh();
    const result = await cli(dir, [
      'user:create',
      '--email',
      'ann@cli.test',
      '--password',
      PASSWORD,
      '--role',
      'operator',
      '--name',
      name,
    ]);
    expectOneLineError(result, new RegExp(`^user:create: name: ${LINE.replace(/\./g, '\\.')}`));
    expect(result.stdout).toBe('');
    expect(count(dir, 'people')).toBe(0);
  });

  it('still takes a name in another script, trimmed, as the forms do', async () => {
    const dir = await fresh();
    const org = await cli(dir, ['org:create', '--name', '  شركة المثال  ']);
    expect(org.code).toBe(0);
    const db = openSqlite(join(dir, 'seatdesk.db'), { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare('select name from organizations').get()).toEqual({ name: 'شركة المثال' });
    } finally {
      db.close();
    }
  });
});

describe('user:create takes the password without showing it', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const create = (dir: string, extra: string[], stdin?: CliStdin) =>
    cli(dir, ['user:create', '--email', 'ann@cli.test', '--role', 'operator', ...extra], {}, stdin);

  async function expectPassword(dir: string, password: string) {
    const db = openSqlite(join(dir, 'seatdesk.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('select password_hash from people').get() as { password_hash: string };
      expect(await new PasswordHasher().verify(row.password_hash, password)).toBe(true);
    } finally {
      db.close();
    }
  }

  it('reads it from standard input with --password-stdin', async () => {
    const dir = fresh();
    const result = await create(dir, ['--password-stdin'], Readable.from([`${PASSWORD}\n`]));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    await expectPassword(dir, PASSWORD);
  });

  it('reads it from a file with --password-file', async () => {
    const dir = fresh();
    const file = join(dir, 'password.txt');
    writeFileSync(file, `${PASSWORD}\n`);
    const result = await create(dir, ['--password-file', file]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    await expectPassword(dir, PASSWORD);
    expectOneLineError(
      await create(fresh(), ['--password-file', join(dir, 'missing.txt')]),
      /password-file: .* cannot be read \(ENOENT\)/,
    );
  });

  it('asks twice on a terminal, without echoing', async () => {
    const dir = fresh();
    const terminal = Object.assign(new PassThrough(), {
      isTTY: true,
      setRawMode(mode: boolean) {
        // The person types once the prompt listens.
        if (mode) setImmediate(() => terminal.write(`${PASSWORD}\r`));
        return terminal;
      },
    });
    const result = await create(dir, [], terminal);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('Password: \nRepeat the password: \n');
    expect(result.stdout).not.toContain(PASSWORD);
    await expectPassword(dir, PASSWORD);
  });

  it('still takes --password, warning that others can see it', async () => {
    const result = await create(fresh(), ['--password', PASSWORD]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: --password is visible to other users/);
  });

  it('refuses no password without a terminal, and two ways at once, as usage errors', async () => {
    const none = await create(fresh(), []);
    expect(none.code).toBe(2);
    expectOneLineError(none, /^user:create: password: give it with --password-stdin or --password-file/);
    const two = await create(fresh(), ['--password', PASSWORD, '--password-stdin'], Readable.from([PASSWORD]));
    expect(two.code).toBe(2);
    expectOneLineError(two, /^user:create: password: give it one way/);
  });
});
