import { rmSync } from 'node:fs';
import { readProductKey } from '../../src/modules/licenses/product-key';
import { cli, expectOneLineError, queryDataDir } from '../utils/cli';
import { tempDataDir } from '../utils/test-app';

const query = queryDataDir;

// The catalog and license commands of the operator CLI, and db:seed's catalog.
describe('operator CLI: catalog and licenses', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('db:seed adds the default catalog once; running it again changes nothing', async () => {
    const dir = fresh();
    const first = await cli(dir, ['db:seed']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('Catalog defaults: added 5 products and 11 plans.');
    const again = await cli(dir, ['db:seed']);
    expect(again.stdout).toContain('Catalog defaults: all 5 products and their plans exist already.');
    expect(query(dir, 'select count(*) as n from products')).toEqual([{ n: 5 }]);
    expect(query(dir, 'select count(*) as n from plans')).toEqual([{ n: 11 }]);
    expect(query(dir, 'select count(*) as n from plan_upgrades')).toEqual([{ n: 6 }]);
    expect(query(dir, 'select count(*) as n from people')).toEqual([{ n: 0 }]);
  });

  it('db:seed --demo gives the demo organization licenses on the catalog', async () => {
    const dir = fresh();
    expect((await cli(dir, ['db:seed', '--demo'])).code).toBe(0);
    const rows = query<{ sku: string; seats: number; status: string }>(
      dir,
      `select p.sku, l.seats, l.status from licenses l join products p on p.id = l.product_id order by p.sku`,
    );
    expect(rows).toEqual([
      { sku: 'SD-ES', seats: 25, status: 'active' },
      { sku: 'SD-MS', seats: 5, status: 'grace' },
      { sku: 'SD-TS', seats: 12, status: 'active' },
    ]);
    // Two orders: two seats paid by the test card, an early renewal on an open invoice.
    expect(
      query(
        dir,
        `select i.number, i.status, p.provider from invoices i join payments p on p.invoice_id = i.id order by i.number`,
      ),
    ).toEqual([
      { number: expect.stringMatching(/^INV-\d{4}-000001$/), status: 'paid', provider: 'test' },
      { number: expect.stringMatching(/^INV-\d{4}-000002$/), status: 'open', provider: 'invoice' },
    ]);
    expect(query(dir, 'select brand, last4 from payment_methods')).toEqual([{ brand: 'Visa', last4: '4242' }]);
  });

  it('product:create adds a product with its default plan and prints its id', async () => {
    const dir = fresh();
    const result = await cli(dir, [
      'product:create',
      '--sku',
      'acme-av',
      '--name',
      'Acme AV',
      '--platforms',
      'windows,ios',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const id = result.stdout.trim();
    expect(query(dir, 'select sku, name, platforms from products where id = ?', id)).toEqual([
      { sku: 'ACME-AV', name: 'Acme AV', platforms: 'windows,ios' },
    ]);
    expect(query(dir, 'select edition, seats, term_months as months from plans where product_id = ?', id)).toEqual([
      { edition: 'Standard', seats: 5, months: 12 },
    ]);
    expectOneLineError(
      await cli(dir, ['product:create', '--sku', 'ACME-AV', '--name', 'Again']),
      /sku: A product with the SKU ACME-AV exists already/,
    );
    expectOneLineError(
      await cli(dir, ['product:create', '--sku', 'X2', '--name', 'Bad', '--platforms', 'windows,beos']),
      /platforms: Unknown platform “beos”/,
    );
    expectOneLineError(await cli(dir, ['product:create', '--sku', '!', '--name', 'Bad']), /sku: Enter a SKU/);
  });

  it('license:create prints the product key alone on its last line; it opens the license', async () => {
    const dir = fresh();
    await cli(dir, ['db:seed']);
    await cli(dir, ['org:create', '--name', 'Initech']);
    const result = await cli(dir, [
      'license:create',
      '--org',
      'Initech',
      '--product',
      'sd-es',
      '--seats',
      '40',
      '--expires',
      '2030-06-30',
      '--auto-renew',
      'on',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    const key = lines[lines.length - 1];
    expect(readProductKey(key)).toEqual({ key });
    const [row] = query<{ seats: number; status: string; auto_renew: number; key_hint: string; expires_at: number }>(
      dir,
      'select seats, status, auto_renew, key_hint, expires_at from licenses',
    );
    expect(row).toMatchObject({ seats: 40, status: 'active', auto_renew: 1, key_hint: key.slice(-5) });
    expect(new Date(row.expires_at).toISOString()).toBe('2030-06-30T23:59:59.999Z');
    // The key itself is not stored in clear.
    expect(JSON.stringify(query(dir, 'select * from licenses'))).not.toContain(key.slice(0, 11));
    expect(JSON.stringify(query(dir, 'select * from audit_entries'))).not.toContain(key.slice(0, 11));

    // An expiry in the past imports a lapsed license.
    const old = await cli(dir, [
      'license:create',
      '--org',
      'Initech',
      '--product',
      'SD-AV',
      '--seats',
      '3',
      '--expires',
      '2020-01-31',
    ]);
    expect(old.code).toBe(0);
    expect(query(dir, `select status from licenses where seats = 3`)).toEqual([{ status: 'expired' }]);
  });

  it('license:create names what is wrong in one line', async () => {
    const dir = fresh();
    await cli(dir, ['db:seed']);
    await cli(dir, ['org:create', '--name', 'Initech']);
    const base = [
      'license:create',
      '--org',
      'Initech',
      '--product',
      'SD-ES',
      '--seats',
      '5',
      '--expires',
      '2030-01-01',
    ];
    const withOption = (name: string, value: string) => {
      const argv = [...base];
      argv[argv.indexOf(name) + 1] = value;
      return argv;
    };
    expectOneLineError(await cli(dir, withOption('--org', 'Nobody')), /org: no organization is named "Nobody"/);
    expectOneLineError(await cli(dir, withOption('--product', 'NOPE')), /product: no product has the SKU "NOPE"/);
    expectOneLineError(await cli(dir, withOption('--seats', 'many')), /seats: enter a whole number/);
    expectOneLineError(await cli(dir, withOption('--seats', '0')), /seats: Enter the number of seats, 1 to 100000/);
    expectOneLineError(await cli(dir, withOption('--expires', '2030-02-30')), /expires: "2030-02-30" is not a date/);
    expectOneLineError(await cli(dir, [...base, '--auto-renew', 'yes']), /auto-renew: say on or off/);
    expect(query(dir, 'select count(*) as n from licenses')).toEqual([{ n: 0 }]);
  });
});
