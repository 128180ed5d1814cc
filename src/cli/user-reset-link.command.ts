import { Command, Option } from 'nest-commander';
import { PasswordResetService } from '../modules/auth/password-reset/password-reset.service';
import { PeopleService } from '../modules/people/people.service';
import { asString, CliCommand, CliContext, personByEmail } from './cli-command';
import { CliError, CliOutput } from './cli-output';

@Command({
  name: 'user:reset-link',
  description: 'Print a single-use password-reset link (built from BASE_URL) to pass on to the person',
})
export class UserResetLinkCommand extends CliCommand<{ email: string }> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly people: PeopleService,
    private readonly resets: PasswordResetService,
  ) {
    super();
  }

  @Option({ flags: '--email <email>', description: 'sign-in address of the person (case-insensitive)', required: true })
  parseEmail(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: { email: string }): Promise<void> {
    await this.cli.migrate();
    const url = await this.cli.inContext(async () => {
      const person = await personByEmail(this.people, options.email);
      if (person.status !== 'active') throw new CliError(`email: ${person.email} is disabled and cannot sign in`);
      return this.resets.createLink(person);
    });
    const minutes = Math.round(this.cli.config.resetTokenTtlSeconds / 60);
    this.out.line(`Reset link for ${options.email.trim().toLowerCase()}: it works once, within ${minutes} minutes,`);
    this.out.line('and replaces any earlier link. Choosing a password with it also lifts a lockout.');
    // The URL alone on the last line, so scripts can capture it.
    this.out.line(url);
  }
}
