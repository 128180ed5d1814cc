import type { INestApplicationContext } from '@nestjs/common';

/** Where seeders report; the CLI's CliOutput. */
export interface SeedOutput {
  line(text?: string): void;
  table(headers: string[], rows: string[][]): void;
}

/**
 * The defaults every install needs (catalog products, plans, mail templates).
 * Each step ensures its rows exist and changes nothing when they do, so
 * db:seed is safe to run on every deploy.
 */
export class DatabaseSeeder {
  async run(_app: INestApplicationContext, out: SeedOutput): Promise<void> {
    // The licenses module brings the first catalog defaults; until then there is nothing to ensure.
    out.line('Catalog defaults: nothing to seed yet (the catalog arrives with the licenses module).');
  }
}
