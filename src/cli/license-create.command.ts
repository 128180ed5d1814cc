import { Command, Option } from 'nest-commander';
import { CatalogService } from '../modules/catalog/catalog.service';
import { endOfDay } from '../modules/licenses/dates';
import { LicensesService } from '../modules/licenses/licenses.service';
import { OrganizationsService } from '../modules/organizations/organizations.service';
import { asString, CliCommand, CliContext } from './cli-command';
import { CliError, CliOutput } from './cli-output';

interface Options {
  org: string;
  product: string;
  seats: string;
  expires: string;
  autoRenew?: string;
}

@Command({
  name: 'license:create',
  description: 'Create a license for an organization and print its product key alone on the last line',
})
export class LicenseCreateCommand extends CliCommand<Options> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly licenses: LicensesService,
    private readonly catalog: CatalogService,
    private readonly organizations: OrganizationsService,
  ) {
    super();
  }

  @Option({ flags: '--org <name>', description: 'the organization, by name', required: true })
  parseOrg(value: string): string {
    return asString(value);
  }

  @Option({ flags: '--product <sku>', description: 'the product, by SKU (its first plan)', required: true })
  parseProduct(value: string): string {
    return asString(value);
  }

  @Option({ flags: '--seats <n>', description: 'how many devices may use it at once (1 to 100000)', required: true })
  parseSeats(value: string): string {
    return asString(value);
  }

  @Option({
    flags: '--expires <YYYY-MM-DD>',
    description: 'the last day it works (UTC); may be in the past, for imports',
    required: true,
  })
  parseExpires(value: string): string {
    return asString(value);
  }

  @Option({ flags: '--auto-renew <on|off>', description: 'renew automatically at expiry (default off)' })
  parseAutoRenew(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: Options): Promise<void> {
    if (!/^\d{1,6}$/.test(options.seats)) throw new CliError('seats: enter a whole number of seats, 1 to 100000');
    if (options.autoRenew !== undefined && !['on', 'off'].includes(options.autoRenew)) {
      throw new CliError('auto-renew: say on or off');
    }
    let expiresAt: number;
    try {
      expiresAt = endOfDay(options.expires);
    } catch {
      throw new CliError(`expires: "${options.expires}" is not a date as YYYY-MM-DD`);
    }
    await this.cli.migrate();
    const key = await this.cli.inContext(async () => {
      const org = await this.organizations.findByName(options.org);
      if (!org) throw new CliError(`org: no organization is named "${options.org.trim()}"`);
      const product = await this.catalog.productBySku(options.product);
      if (!product) throw new CliError(`product: no product has the SKU "${options.product.trim()}"`);
      const created = await this.licenses.create({
        organizationId: org.id,
        productId: product.id,
        seats: Number(options.seats),
        expiresAt,
        autoRenew: options.autoRenew === 'on',
      });
      this.out.line(
        `License ${created.license.id} for ${org.name}: ${product.name}, ${options.seats} seats, until ${options.expires} (${created.license.status}).`,
      );
      return created.key;
    });
    this.out.line(key);
  }
}
