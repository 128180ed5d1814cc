import { chmodSync, existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'nest-commander';
import { asString, CliCommand, CliContext } from './cli-command';
import { CliError, CliOutput, formatBytes } from './cli-output';
import { openSqlite, sealCopy } from './sqlite-file';
import { errorCode } from '../common/error-info';

@Command({
  name: 'db:backup',
  description: 'Write a consistent copy of the database while SeatDesk runs (SQLite backup API, integrity-checked)',
})
export class DbBackupCommand extends CliCommand<{ out: string }> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
  ) {
    super();
  }

  @Option({ flags: '--out <file>', description: 'the backup file to create (must not exist yet)', required: true })
  parseOut(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: { out: string }): Promise<void> {
    const database = this.cli.databaseFile();
    const target = resolve(options.out);
    if (existsSync(target)) throw new CliError(`${target} already exists: choose a new file name`);
    if (!existsSync(dirname(target))) throw new CliError(`folder ${dirname(target)} does not exist`);
    await this.cli.migrate();

    // Copy under a temporary name, verify, then link into place: a crash
    // never leaves a half-written file under the name the operator asked for,
    // and link() refuses to replace a file created meanwhile.
    const partial = `${target}.partial-${process.pid}`;
    try {
      const source = openSqlite(database, { readonly: true, fileMustExist: true });
      try {
        await source.backup(partial);
      } finally {
        source.close();
      }
      sealCopy(partial);
      // It holds password hashes and sessions, wherever the operator puts it.
      chmodSync(partial, 0o600);
      try {
        linkSync(partial, target);
      } catch (err) {
        if (errorCode(err) === 'EEXIST') throw new CliError(`${target} already exists: choose a new file name`);
        throw err;
      }
    } finally {
      rmSync(partial, { force: true });
    }
    this.out.line(`Backup written to ${target} (${formatBytes(statSync(target).size)}, integrity check ok).`);
  }
}
