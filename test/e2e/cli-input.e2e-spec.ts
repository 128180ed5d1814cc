import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../src/cli/sqlite-file';
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
