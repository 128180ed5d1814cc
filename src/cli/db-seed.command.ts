import { Command, Option } from 'nest-commander';
import { DatabaseSeeder } from '../../seeds/database.seeder';
import { DemoSeeder } from '../../seeds/demo.seeder';
import { CliCommand, CliContext } from './cli-command';
import { CliOutput } from './cli-output';

@Command({
  name: 'db:seed',
  description: 'Ensure the catalog defaults exist; with --demo, add demo data (safe to run again)',
})
export class DbSeedCommand extends CliCommand<{ demo?: boolean }> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
  ) {
    super();
  }

  @Option({
    flags: '--demo',
    description: 'also add the "Demo Company" organization and its people, printing their passwords once',
  })
  parseDemo(): boolean {
    return true;
  }

  protected async execute(_params: string[], options: { demo?: boolean }): Promise<void> {
    await this.cli.migrate();
    await new DatabaseSeeder().run(this.cli.app, this.out);
    if (options.demo) await new DemoSeeder().run(this.cli.app, this.out);
  }
}
