import { chmodSync, existsSync, linkSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, Option } from 'nest-commander';
import { Clock } from '../common/clock';
import { runningServer } from '../config/pid-file';
import { asString, CliCommand, CliContext } from './cli-command';
import { CliError, CliOutput } from './cli-output';
import { inspectSeatDeskFile, openSqlite } from './sqlite-file';

@Command({
  name: 'db:restore',
  description: 'Replace the database with a backup (refuses while SeatDesk runs on the same file)',
})
export class DbRestoreCommand extends CliCommand<{ in: string }> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly clock: Clock,
  ) {
    super();
  }

  @Option({ flags: '--in <file>', description: 'the backup file to restore (made by db:backup)', required: true })
  parseIn(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: { in: string }): Promise<void> {
    const database = this.cli.databaseFile();
    const source = resolve(options.in);
    if (!existsSync(source)) throw new CliError(`${source} does not exist`);
    if (source === database) throw new CliError(`${source} is the live database itself`);
    const pid = runningServer(this.cli.config);
    if (pid !== null) throw new CliError(`SeatDesk is running (pid ${pid}) on this database: stop it first`);
    const backup = inspectSeatDeskFile(source);

    // Nothing may hold the old file open while it is swapped out.
    await this.cli.migrations.orm.close(true);

    // Copy next to the database (same file system, so the rename is atomic)
    // through the backup API, which also takes in a -wal file beside the source.
    const incoming = join(dirname(database), `.${basename(database)}.restore-${process.pid}`);
    let kept: string | null = null;
    try {
      const from = openSqlite(source, { readonly: true, fileMustExist: true });
      try {
        await from.backup(incoming);
      } finally {
        from.close();
      }
      // It holds password hashes and sessions.
      chmodSync(incoming, 0o600);
      if (existsSync(database)) {
        kept = `${database}.pre-restore-${this.clock.now().toISOString().replace(/[:.]/g, '-')}`;
        linkSync(database, kept);
      }
      // A stale -wal would be replayed onto the restored file.
      rmSync(`${database}-wal`, { force: true });
      rmSync(`${database}-shm`, { force: true });
      renameSync(incoming, database);
    } finally {
      rmSync(incoming, { force: true });
    }

    const last = backup.migrations.at(-1) ?? 'none';
    this.out.line(`Restored ${source} into ${database} (schema at ${last}).`);
    if (kept) this.out.line(`The previous database is kept as ${kept}.`);
    if (backup.pending.length > 0) {
      this.out.line(`Pending migrations (applied at the next start, or by db:migrate): ${backup.pending.join(', ')}`);
    }
  }
}
