import { Command, Option } from 'nest-commander';
import { InputRefused } from '../common/errors/app-error';
import { ProfileDto } from '../modules/account/dto/profile.dto';
import { OrganizationsService } from '../modules/organizations/organizations.service';
import { ROLES, type Role } from '../modules/people/person.entity';
import { PeopleService } from '../modules/people/people.service';
import { asString, CliCommand, CliContext } from './cli-command';
import { CliInput, readPassword, type PasswordSources } from './cli-input';
import { CliError, CliOutput } from './cli-output';
import { checkOptions } from './option-rules';

interface UserCreateOptions extends PasswordSources {
  email: string;
  role: Role;
  org?: string;
  name?: string;
}

@Command({ name: 'user:create', description: 'Create an active person and print their id' })
export class UserCreateCommand extends CliCommand<UserCreateOptions> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly input: CliInput,
    private readonly people: PeopleService,
    private readonly organizations: OrganizationsService,
  ) {
    super();
  }

  @Option({ flags: '--email <email>', description: 'sign-in address (unique, case-insensitive)', required: true })
  parseEmail(value: string): string {
    return asString(value);
  }

  @Option({
    flags: '--password-stdin',
    description: 'read the initial password from standard input (one line; the password policy applies)',
  })
  parsePasswordStdin(): boolean {
    return true;
  }

  @Option({
    flags: '--password-file <path>',
    description: 'read the initial password from this file (its first line break ends it)',
  })
  parsePasswordFile(value: string): string {
    return asString(value);
  }

  @Option({
    flags: '--password <password>',
    description:
      'initial password on the command line: visible to other users (ps) and in shell history, so it warns; ' +
      'without any password option it is asked for on the terminal',
  })
  parsePassword(value: string): string {
    return asString(value);
  }

  @Option({
    flags: '--role <role>',
    description: 'operator and helpdesk serve every organization; admin and member need --org',
    required: true,
    choices: [...ROLES],
  })
  parseRole(value: string): string {
    return asString(value);
  }

  @Option({ flags: '--org <name>', description: 'name of the organization the person belongs to' })
  parseOrg(value: string): string {
    return asString(value);
  }

  @Option({ flags: '--name <name>', description: "display name (default: the email address's local part)" })
  parseName(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: UserCreateOptions): Promise<void> {
    // A given name follows the rules of the profile form's name.
    const name = options.name === undefined ? undefined : (await checkOptions(ProfileDto, { name: options.name })).name;
    const password = await readPassword(this.input, options, (text) => this.out.warn(text));
    await this.cli.migrate();
    const person = await this.cli.inContext(async () => {
      let organizationId: string | null = null;
      if (options.org !== undefined) {
        const org = await this.organizations.findByName(options.org);
        if (!org) throw new CliError(`org: no organization is named "${options.org}" (org:create --name creates one)`);
        organizationId = org.id;
      }
      return this.people
        .createPerson({
          email: options.email,
          name: name ?? options.email.trim().split('@')[0],
          password,
          role: options.role,
          organizationId,
        })
        .catch((err: unknown) => {
          throw err instanceof InputRefused && err.fields ? new InputRefused(asOptionNames(err.fields)) : err;
        });
    });
    this.out.line(person.id);
  }
}

// The service names form fields; the operator typed options.
function asOptionNames(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([field, message]) => [field === 'organization' ? 'org' : field, message]),
  );
}
