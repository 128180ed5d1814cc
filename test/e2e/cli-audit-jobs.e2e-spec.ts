import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite, type SqliteDatabase } from '../../src/cli/sqlite-file';
import { withContext } from '../../src/platform/database/request-context';
import { AuditService } from '../../src/platform/audit/audit.service';
import { cli, expectOneLineError } from '../utils/cli';
import { createTestApp } from '../utils/test-app';

/** Opens the database file directly, as someone with access to the disk would. */
function database<T>(dataDir: string, work: (db: SqliteDatabase) => T): T {
  const db = openSqlite(join(dataDir, 'seatdesk.db'), { fileMustExist: true });
  try {
    return work(db);
  } finally {
    db.close();
  }
}

const entryIds = (dataDir: string) =>
  database(dataDir, (db) =>
    (db.prepare('select id from audit_entries order by id').all() as { id: number }[]).map((r) => r.id),
  );

describe('audit:verify, jobs:list and jobs:run', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A data directory whose audit log holds `count` entries written by the app itself. */
  async function auditedDataDir(count: number): Promise<string> {
    const t = await createTestApp();
    dirs.push(t.dataDir);
    await withContext(t.app, async () => {
      for (let n = 1; n <= count; n++) {
        t.clock.advance(60);
        await t.app.get(AuditService).record({
          action: 'license.created',
          actor: { type: 'person', id: `p-${n}`, label: `person${n}@example.test` },
          target: { type: 'license', id: `lic-${n}`, label: `License ${n}` },
          organizationId: null,
          details: { seats: n },
        });
      }
    });
    // The server stops; the file stays for the CLI.
    await t.app.close();
    return t.dataDir;
  }

  it('lists the commands in the help', async () => {
    const dir = await auditedDataDir(0);
    const help = await cli(dir, ['--help']);
    expect(help.code).toBe(0);
    for (const name of ['audit:verify', 'jobs:list', 'jobs:run']) expect(help.stdout).toContain(name);
    const runHelp = await cli(dir, ['jobs:run', '--help']);
    expect(runHelp.stdout).toContain('Usage: seatdesk jobs:run [options] <name>');
  });

  describe('audit:verify', () => {
    it('exits 0 and counts the entries of an intact chain', async () => {
      const dir = await auditedDataDir(5);
      const result = await cli(dir, ['audit:verify']);
      expect(result).toEqual({ code: 0, stdout: 'Audit chain intact: 5 entries (0 checkpoints).\n', stderr: '' });
    });

    it('says so for an empty log', async () => {
      const dir = await auditedDataDir(0);
      expect(await cli(dir, ['audit:verify'])).toEqual({
        code: 0,
        stdout: 'Audit chain intact: 0 entries (0 checkpoints).\n',
        stderr: '',
      });
    });

    it('catches an entry changed directly in the database file, naming it', async () => {
      const dir = await auditedDataDir(6);
      const ids = entryIds(dir);
      const victim = ids[3];
      database(dir, (db) => {
        // The trigger refuses the change while it exists…
        expect(() => db.prepare('update audit_entries set action = ? where id = ?').run('auth.logout', victim)).toThrow(
          /append-only/,
        );
        // …so an attacker with the file drops it first.
        db.prepare('drop trigger audit_entries_no_update').run();
        expect(db.prepare('update audit_entries set action = ? where id = ?').run('auth.logout', victim).changes).toBe(
          1,
        );
      });
      const result = await cli(dir, ['audit:verify']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expectOneLineError(result, new RegExp(`^audit:verify: entry #${victim} was changed or forged\\n$`));
    });

    it('catches a deleted entry in the middle, naming the entry after it', async () => {
      const dir = await auditedDataDir(6);
      const ids = entryIds(dir);
      database(dir, (db) => {
        db.prepare('drop trigger audit_entries_no_delete').run();
        expect(db.prepare('delete from audit_entries where id = ?').run(ids[2]).changes).toBe(1);
      });
      const result = await cli(dir, ['audit:verify']);
      expect(result.code).toBe(1);
      expectOneLineError(result, new RegExp(`^audit:verify: .*entry #${ids[3]}\\b`));
      expect(result.stderr).not.toContain(`#${ids[4]}`);
    });

    it('catches an entry inserted with a made-up hash', async () => {
      const dir = await auditedDataDir(3);
      const forged = database(dir, (db) => {
        const last = db.prepare('select hash from audit_entries order by id desc limit 1').get() as { hash: string };
        return Number(
          (
            db
              .prepare(
                `insert into audit_entries (at, actor_type, actor_label, action, outcome, prev_hash, hash)
                 values (?, 'system', 'cli', 'user.unlocked', 'success', ?, ?) returning id`,
              )
              .get(Date.now(), last.hash, 'f'.repeat(64)) as { id: number }
          ).id,
        );
      });
      const result = await cli(dir, ['audit:verify']);
      expectOneLineError(result, new RegExp(`^audit:verify: entry #${forged} was changed or forged\\n$`));
    });
  });

  describe('the migration that makes the chain unforkable', () => {
    const MIGRATION = 'Migration20261126000600_audit_chain';
    const append = (db: SqliteDatabase, prevHash: string) =>
      db
        .prepare(
          `insert into audit_entries (at, actor_type, actor_label, action, outcome, prev_hash, hash)
           values (?, 'system', 'cli', 'user.unlocked', 'success', ?, ?) returning id`,
        )
        .get(Date.now(), prevHash, randomBytes(32).toString('hex')) as { id: number };

    it('upgrades a log that forked before it, and refuses every fork after it', async () => {
      const dir = await auditedDataDir(3);
      const forked = database(dir, (db) => {
        // The database as it was before the migration, forked as overlapping writes could leave it:
        // a second genesis entry and a second link to the second entry. Those stay as they are.
        db.prepare('drop index `audit_entries_prev_hash_unique`').run();
        db.prepare('delete from mikro_orm_migrations where name = ?').run(MIGRATION);
        const rows = db.prepare('select id, hash from audit_entries order by id').all() as { hash: string }[];
        append(db, '');
        return append(db, rows[1].hash).id;
      });

      // Any command migrates first; verify then names the fork, which no migration can mend.
      const result = await cli(dir, ['audit:verify']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^audit:verify: /);

      database(dir, (db) => {
        const index = db
          .prepare(`select sql from sqlite_master where name = 'audit_entries_prev_hash_unique'`)
          .get() as { sql: string };
        expect(index.sql).toMatch(new RegExp(`^CREATE UNIQUE INDEX .*\\(\`prev_hash\`\\) where \`id\` > ${forked}$`));
        const last = db.prepare('select hash from audit_entries order by id desc limit 1').get() as { hash: string };
        const next = append(db, last.hash);
        expect(() => append(db, last.hash)).toThrow(/UNIQUE constraint failed: audit_entries\.prev_hash/);
        expect(next.id).toBeGreaterThan(forked);
      });
    });

    it('covers every entry of a log that never forked', async () => {
      const dir = await auditedDataDir(2);
      database(dir, (db) => {
        const index = db
          .prepare(`select sql from sqlite_master where name = 'audit_entries_prev_hash_unique'`)
          .get() as { sql: string };
        expect(index.sql).toMatch(/ where `id` > 0$/);
        expect(() => append(db, '')).toThrow(/UNIQUE constraint failed/);
      });
    });
  });

  describe('jobs:list and jobs:run', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await auditedDataDir(2);
    });

    it('lists each job with its schedule, last run and next run', async () => {
      const result = await cli(dir, ['jobs:list']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const [header, rule, ...rows] = result.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^NAME\s+SCHEDULE\s+LAST RUN\s+NEXT RUN\s+DESCRIPTION$/);
      expect(rule).toMatch(/^-+( +-+)+$/);
      const retention = rows.find((row) => row.startsWith('audit.retention '));
      expect(retention).toMatch(
        /^audit\.retention\s+0 30 3 \* \* \*\s+never\s+\d{4}-\d\d-\d\dT03:30:00Z\s+Remove audit entries/,
      );
    });

    it('runs a job now, prints its outcome and counts, and records the run', async () => {
      const result = await cli(dir, ['jobs:run', 'audit.retention']);
      expect(result).toEqual({ code: 0, stdout: 'audit.retention succeeded (run #1): removed=0\n', stderr: '' });
      const list = await cli(dir, ['jobs:list']);
      expect(list.stdout).toMatch(
        /^audit\.retention\s+0 30 3 \* \* \*\s+succeeded \d{4}-\d\d-\d\dT[\d:]+Z in \d+ ms \(cli\)/m,
      );
      expect(
        database(dir, (db) =>
          db.prepare(`select name, trigger, outcome from job_runs where name = 'audit.retention'`).all(),
        ),
      ).toEqual([{ name: 'audit.retention', trigger: 'cli', outcome: 'succeeded' }]);
    });

    it('exits 1 naming the error when the job fails, and the failure is recorded', async () => {
      database(dir, (db) => {
        // An entry old enough for retention, and a database that refuses to delete it.
        db.prepare(
          `insert into audit_entries (at, actor_type, actor_label, action, outcome, prev_hash, hash)
           values (1000, 'system', 'cli', 'user.unlocked', 'success',
                   (select hash from audit_entries order by id desc limit 1), 'not-signed')`,
        ).run();
        db.prepare(
          `create trigger test_refuse_delete before delete on audit_entries begin select raise(abort, 'the disk refused'); end`,
        ).run();
      });
      const result = await cli(dir, ['jobs:run', 'audit.retention']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expectOneLineError(result, /^jobs:run: audit\.retention failed \(run #2\): .*the disk refused\n$/);
      const list = await cli(dir, ['jobs:list']);
      expect(list.stdout).toMatch(/^audit\.retention\s+\S.*\s+failed \d{4}-/m);
    });

    it('refuses an unknown job name, and a missing one', async () => {
      const unknown = await cli(dir, ['jobs:run', 'nope.nothing']);
      expect(unknown.code).toBe(1);
      expectOneLineError(unknown, /^jobs:run: there is no job named "nope\.nothing" \(jobs:list shows them\)\n$/);
      const missing = await cli(dir, ['jobs:run']);
      expect(missing.code).toBe(2);
      expectOneLineError(missing, /^jobs:run: missing required argument 'name'/);
    });
  });
});
