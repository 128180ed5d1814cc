import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_MODULES } from '../../src/app.modules';
import { PROJECT_ROOT } from '../../src/config/paths';

// docs/architecture.md: every table has exactly one owner, and only that
// module's repositories put its name in SQL.
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src', 'plugins'], {
  cwd: PROJECT_ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file.endsWith('.ts') && !/\.spec\.ts$/.test(file));
const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const isMigration = (file: string) => /(^src\/platform\/database\/migrations\/|\/migrations\/)/.test(file);

/** Tables the migrations create (core and plugins). */
function createdTables(): Map<string, string> {
  const tables = new Map<string, string>();
  for (const file of files.filter(isMigration)) {
    for (const match of read(file).matchAll(/create table \\?`?([a-z_]+)/gi)) tables.set(match[1], file);
  }
  return tables;
}

/** Owner folder of each table: from the module manifests, plugins by their prefix, the ORM's own table. */
function owners(): Map<string, string> {
  const result = new Map<string, string>([['mikro_orm_migrations', 'src/platform/database/']]);
  for (const manifest of APP_MODULES) {
    const folder = files.some((f) => f.startsWith(`src/modules/${manifest.id}/`))
      ? `src/modules/${manifest.id}/`
      : `src/platform/${manifest.id}/`;
    for (const table of manifest.tables ?? []) {
      expect(result.has(table) ? `${table} claimed twice` : table).toBe(table);
      result.set(table, folder);
    }
  }
  return result;
}

// Where a file names a table as SQL does: after from, join, into, update, exists or table.
const sqlMentions = (text: string, table: string) =>
  new RegExp(`\\b(from|join|into|update|table|exists)\\s+[\`"]?${table}\\b`, 'i').test(text);

describe('table ownership', () => {
  const tables = createdTables();
  const owner = owners();

  it('finds the tables the migrations create (the check itself works)', () => {
    expect([...tables.keys()]).toEqual(
      expect.arrayContaining(['people', 'organizations', 'sessions', 'audit_entries']),
    );
  });

  it('gives every table exactly one owner: a module manifest, or the plugin whose prefix it has', () => {
    const orphans = [...tables.keys()].filter((table) => !owner.has(table) && !/^plg_[a-z0-9]+_/.test(table));
    expect(orphans).toEqual([]);
  });

  it('lets only the owner’s repositories issue SQL against a table', () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => !isMigration(f))) {
      const text = read(file);
      for (const table of tables.keys()) {
        if (!sqlMentions(text, table)) continue;
        const plugin = /^plg_([a-z0-9]+)_/.exec(table);
        const home = plugin ? `plugins/${plugin[1]}/` : owner.get(table);
        if (!home || !file.startsWith(home) || !file.endsWith('.repository.ts')) {
          violations.push(`${file} queries ${table} (owner: ${home ?? 'none'}, repositories only)`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('maps each entity to a table its own module owns', () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.entity.ts'))) {
      const table = /tableName:\s*'([a-z_]+)'/.exec(read(file))?.[1];
      if (!table) continue;
      const plugin = /^plg_([a-z0-9]+)_/.exec(table);
      const home = plugin ? `plugins/${plugin[1]}/` : owner.get(table);
      if (!home || !file.startsWith(home)) violations.push(`${file} maps ${table} (owner: ${home ?? 'none'})`);
    }
    expect(violations).toEqual([]);
  });
});
