import { Command, Option } from 'nest-commander';
import { TwoFactorService } from '../modules/auth/two-factor/two-factor.service';
import { asString, CliCommand, CliContext } from './cli-command';
import { CliOutput } from './cli-output';

interface UserReset2faOptions {
  email: string;
  reason: string;
}

@Command({
  name: 'user:reset-2fa',
  description: 'Remove a person’s two-factor sign-in (lost device); audited with the reason, the person is emailed',
})
export class UserReset2faCommand extends CliCommand<UserReset2faOptions> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly twoFactor: TwoFactorService,
  ) {
    super();
  }

  @Option({ flags: '--email <email>', description: 'the person’s sign-in address', required: true })
  parseEmail(value: string): string {
    return asString(value);
  }

  @Option({
    flags: '--reason <text>',
    description: 'why (3 to 500 characters, kept in the audit log), e.g. a ticket number',
    required: true,
  })
  parseReason(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: UserReset2faOptions): Promise<void> {
    await this.cli.migrate();
    const person = await this.cli.inContext(() =>
      this.twoFactor.resetForPerson({ email: options.email }, options.reason),
    );
    this.out.line(`Two-factor sign-in removed for ${person.email}. They sign in with their password alone now.`);
  }
}
