import { Command, Option } from 'nest-commander';
import { LockoutService } from '../modules/auth/lockout/lockout.service';
import { PeopleService } from '../modules/people/people.service';
import { asString, CliCommand, CliContext, personByEmail } from './cli-command';
import { CliOutput } from './cli-output';

@Command({
  name: 'user:unlock',
  description: 'Lift a lockout after too many failed sign-ins (the failure count starts again from zero)',
})
export class UserUnlockCommand extends CliCommand<{ email: string }> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly people: PeopleService,
    private readonly lockout: LockoutService,
  ) {
    super();
  }

  @Option({ flags: '--email <email>', description: 'sign-in address of the person (case-insensitive)', required: true })
  parseEmail(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: { email: string }): Promise<void> {
    await this.cli.migrate();
    const { email, wasLocked } = await this.cli.inContext(async () => {
      const person = await personByEmail(this.people, options.email);
      const unlocked = await this.lockout.unlockAccount({
        id: person.id,
        email: person.email,
        organizationId: person.organizationId,
      });
      return { email: person.email, wasLocked: unlocked };
    });
    this.out.line(
      wasLocked ? `Unlocked ${email}: they can sign in again.` : `${email} was not locked; failed sign-ins cleared.`,
    );
  }
}
