import { Command } from 'nest-commander';
import { AuditIntegrityService } from '../platform/audit/audit-integrity.service';
import { CliCommand, CliContext } from './cli-command';
import { CliError, CliOutput } from './cli-output';

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

@Command({
  name: 'audit:verify',
  description: 'Check the audit hash chain: exit 0 when intact, 1 naming the first entry changed, removed or inserted',
})
export class AuditVerifyCommand extends CliCommand {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly integrity: AuditIntegrityService,
  ) {
    super();
  }

  protected async execute(): Promise<void> {
    await this.cli.migrate();
    const result = await this.cli.inContext(() => this.integrity.verify());
    if (!result.ok) throw new CliError(result.problem);
    this.out.line(
      `Audit chain intact: ${plural(result.entries, 'entry', 'entries')} (${plural(result.checkpoints, 'checkpoint', 'checkpoints')}).`,
    );
  }
}
