import { Command, Option } from 'nest-commander';
import { OrganizationNameDto } from '../modules/organizations/dto/organization-name.dto';
import { OrganizationsService } from '../modules/organizations/organizations.service';
import { asString, CliCommand, CliContext } from './cli-command';
import { CliOutput } from './cli-output';
import { checkOptions } from './option-rules';

@Command({ name: 'org:create', description: 'Create an organization and print its id' })
export class OrgCreateCommand extends CliCommand<{ name: string }> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly organizations: OrganizationsService,
  ) {
    super();
  }

  @Option({
    flags: '--name <name>',
    description: 'the organization name (unique, 1 to 120 characters)',
    required: true,
  })
  parseName(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: { name: string }): Promise<void> {
    // The rules of the organization name form.
    const { name } = await checkOptions(OrganizationNameDto, { name: options.name });
    await this.cli.migrate();
    const org = await this.cli.inContext(() => this.organizations.create(name));
    // The id alone, so scripts can capture it.
    this.out.line(org.id);
  }
}
