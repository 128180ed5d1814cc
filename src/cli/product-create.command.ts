import { Command, Option } from 'nest-commander';
import { CatalogService, DEFAULT_PLAN } from '../modules/catalog/catalog.service';
import { NewProductDto } from '../modules/catalog/dto/product.dto';
import { PLATFORMS } from '../modules/catalog/platforms';
import { asString, CliCommand, CliContext } from './cli-command';
import { CliOutput } from './cli-output';
import { checkOptions } from './option-rules';

interface Options {
  sku: string;
  name: string;
  platforms?: string;
  agentVersion?: string;
}

@Command({
  name: 'product:create',
  description: `Add a catalog product with a default plan (${DEFAULT_PLAN.edition}, ${DEFAULT_PLAN.seats} seats, ${DEFAULT_PLAN.termMonths} months) and print its id`,
})
export class ProductCreateCommand extends CliCommand<Options> {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly catalog: CatalogService,
  ) {
    super();
  }

  @Option({ flags: '--sku <sku>', description: '2 to 32 letters, digits and dashes (unique)', required: true })
  parseSku(value: string): string {
    return asString(value);
  }

  @Option({ flags: '--name <name>', description: 'the product name (1 to 120 characters)', required: true })
  parseName(value: string): string {
    return asString(value);
  }

  @Option({
    flags: '--platforms <list>',
    description: `comma list of ${PLATFORMS.join(', ')} (default: all four)`,
  })
  parsePlatforms(value: string): string {
    return asString(value);
  }

  @Option({ flags: '--agent-version <version>', description: 'the current agent version (default 1.0.0)' })
  parseAgentVersion(value: string): string {
    return asString(value);
  }

  protected async execute(_params: string[], options: Options): Promise<void> {
    // The new-product form's rules, with the default plan as its first plan.
    const input = await checkOptions(NewProductDto, {
      sku: options.sku,
      name: options.name,
      platforms: options.platforms ?? PLATFORMS.join(','),
      agentVersion: options.agentVersion ?? '1.0.0',
      edition: DEFAULT_PLAN.edition,
      seats: String(DEFAULT_PLAN.seats),
      termMonths: String(DEFAULT_PLAN.termMonths),
      pricePerSeat: DEFAULT_PLAN.pricePerSeat,
      currency: DEFAULT_PLAN.currency,
    });
    await this.cli.migrate();
    const product = await this.cli.inContext(() => this.catalog.createProduct(input));
    this.out.line(product.id);
  }
}
