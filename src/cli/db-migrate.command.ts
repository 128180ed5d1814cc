import { Command } from 'nest-commander';
import { CliCommand, CliContext } from './cli-command';
import { CliOutput } from './cli-output';

@Command({ name: 'db:migrate', description: 'Apply pending database migrations' })
export class DbMigrateCommand extends CliCommand {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
  ) {
    super();
  }

  protected async execute(): Promise<void> {
    const applied = await this.cli.migrate();
    if (applied.length === 0) return this.out.line('Database is up to date.');
    for (const name of applied) this.out.line(`Applied ${name}`);
  }
}
