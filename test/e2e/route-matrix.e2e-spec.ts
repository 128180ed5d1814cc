import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import {
  createLicense,
  createOrganization,
  createPerson,
  createRelease,
  type CreatedPerson,
} from '../../seeds/factories';
import { IS_PUBLIC, ROLES } from '../../src/common/http/decorators';
import { PaymentMethodsService } from '../../src/modules/billing/payment-methods.service';
import { DevicesService } from '../../src/modules/devices/devices.service';
import { CannedRepliesService } from '../../src/modules/support/canned-replies.service';
import { SavedSearchesService } from '../../src/modules/support/saved-searches.service';
import { SupportService } from '../../src/modules/support/support.service';
import type { Principal } from '../../src/common/http/principal';
import { KbService } from '../../src/modules/kb/kb.service';
import { withContext } from '../../src/platform/database/request-context';
import type { RoleName } from '../../src/common/http/principal';
import { csrfFrom, textsOf } from '../utils/html';
import { Client } from '../utils/http';
import { createOperator, createTestApp, signedIn, type TestApp } from '../utils/test-app';

// Every route of the people, helpdesk, staff, organization, license, catalog, download, billing (orders,
// history, invoices, operators' billing), support (tickets, the helpdesk queue) and knowledge-base (staff pages,
// suggestions) pages, read from
// the app's own routing table (controllers, paths, @Roles), requested as each
// kind of visitor: who may not gets 403 (or the sign-in page), who may never
// gets a 500, and another organization's ids are 404.

interface Route {
  method: 'GET' | 'POST';
  path: string;
  roles: RoleName[] | undefined;
}

const SCOPE =
  /^\/(org\/users|org\/settings|admin\/users|admin\/staff|admin\/organizations|licenses|admin\/licenses|admin\/renewals|admin\/catalog|devices|downloads|admin\/downloads|billing|admin\/billing|support|admin\/support|kb|admin\/kb)(\/|$)/;

function routingTable(t: TestApp): Route[] {
  const discovery = t.app.get(DiscoveryService);
  const scanner = t.app.get(MetadataScanner);
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
    if (!type) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
    for (const key of scanner.getAllMethodNames(type.prototype as object)) {
      const handler = (type.prototype as Record<string, unknown>)[key] as object;
      const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (sub === undefined || (method !== RequestMethod.GET && method !== RequestMethod.POST)) continue;
      if (Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, type)) continue;
      const path = `/${[base, sub]
        .map((p) => p.replace(/^\/|\/$/g, ''))
        .filter(Boolean)
        .join('/')}`;
      if (!SCOPE.test(path)) continue;
      const roles = (Reflect.getMetadata(ROLES, handler) ?? Reflect.getMetadata(ROLES, type)) as RoleName[] | undefined;
      routes.push({ method: method === RequestMethod.GET ? 'GET' : 'POST', path, roles });
    }
  }
  return routes;
}

describe('role × route matrix (people, helpdesk, staff, organizations, licenses, catalog, billing, support, knowledge base)', () => {
  let t: TestApp;
  let routes: Route[];
  const actors: Record<string, { client: Client; role: RoleName | null; orgId: string | null }> = {};
  let memberA: CreatedPerson;
  let orgA: string;
  let orgB: string;
  let helpdeskPerson: CreatedPerson;
  let licenseA: string;
  let deviceA: string;
  let productA: string;
  let releaseA: string;
  let paymentMethodA: string;
  let orderA: string;
  let invoiceA: string;
  let ticketA: string;
  let cannedReply: string;
  let savedSearch: string;
  let articleId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await createOperator(t);
    const a = await createOrganization(t.app, 'Matrix A');
    const b = await createOrganization(t.app, 'Matrix B');
    orgA = a.id;
    orgB = b.id;
    memberA = await createPerson(t.app, { role: 'member', organization: a });
    const { license } = await createLicense(t.app, { organization: a });
    licenseA = license.id;
    productA = license.product.id;
    releaseA = (await createRelease(t.app, { product: license.product })).id;
    helpdeskPerson = await createPerson(t.app, { role: 'helpdesk' });
    actors.anonymous = { client: new Client(t.server), role: null, orgId: null };
    const memberActor = await signedIn(t, 'member', { organization: a });
    actors.member = { client: memberActor.client, role: 'member', orgId: orgA };
    // A device of the member's own, so their allowed pages open.
    deviceA = (
      await withContext(t.app, () =>
        t.app
          .get(DevicesService)
          .addByHand(
            { organizationId: orgA },
            { name: 'Matrix PC', platform: 'windows', licenseId: licenseA, ownerId: memberActor.person.id },
          ),
      )
    ).id;
    // A ticket the member opened: theirs and their admin's to see, the queue's to work.
    ticketA = (
      await withContext(t.app, () =>
        t.app.get(SupportService).create(
          {
            personId: memberActor.person.id,
            orgId: orgA,
            role: 'member',
            name: memberActor.person.name,
          } as Principal,
          { subject: 'Matrix ticket', description: 'Help', category: 'other', urgency: 'normal' },
        ),
      )
    ).id;
    cannedReply = (
      await withContext(t.app, () => t.app.get(CannedRepliesService).create({ title: 'Matrix', body: 'Hello.' }))
    ).id;
    paymentMethodA = (
      await withContext(t.app, () =>
        t.app
          .get(PaymentMethodsService)
          .add(orgA, { holderName: 'Matrix A', cardNumber: '4242424242424242', expiry: '12/35', cvc: '123' }),
      )
    ).id;
    actors.adminA = { client: (await signedIn(t, 'admin', { organization: a })).client, role: 'admin', orgId: orgA };
    actors.adminB = { client: (await signedIn(t, 'admin', { organization: b })).client, role: 'admin', orgId: orgB };
    const helpdeskActor = await signedIn(t, 'helpdesk');
    actors.helpdesk = { client: helpdeskActor.client, role: 'helpdesk', orgId: null };
    const operatorActor = await signedIn(t, 'operator');
    actors.operator = { client: operatorActor.client, role: 'operator', orgId: null };
    // A saved search of the operator's, shared: the helpdesk member sees it but may not change it (404).
    savedSearch = (
      await withContext(t.app, () =>
        t.app
          .get(SavedSearchesService)
          .create({ personId: operatorActor.person.id } as Principal, { name: 'Matrix', shared: true }, 'view=mine'),
      )
    ).id;
    // An order of A's, placed by invoice: its invoice is A's too.
    const quoted = await actors.adminA.client.submit(
      `/billing/orders/new?license=${licenseA}&kind=renew`,
      { licenseId: licenseA, kind: 'renew' },
      '/billing/orders/new',
    );
    orderA = /^\/billing\/orders\/([0-9a-f-]{36})$/.exec(String(quoted.headers.location))![1];
    const placed = await actors.adminA.client.submit(
      `/billing/orders/${orderA}`,
      { paymentMethod: 'invoice' },
      `/billing/orders/${orderA}/confirm`,
    );
    invoiceA = /^\/billing\/invoices\/([0-9a-f-]{36})$/.exec(String(placed.headers.location))![1];
    articleId = (
      await withContext(t.app, () =>
        t.app
          .get(KbService)
          .create(
            { title: 'Matrix article', body: 'Text.', category: 'devices', visibility: 'internal', status: 'draft' },
            null,
          ),
      )
    ).id;
    routes = routingTable(t);
  });
  afterAll(() => t.close());

  /** The route's path with its ids filled in: something of organization A, or the staff member. */
  const concrete = (path: string, method: Route['method'] = 'GET') =>
    path
      .replace(/^\/admin\/organizations\/:id/, `/admin/organizations/${orgA}`)
      .replace(/^\/admin\/staff\/:id/, `/admin/staff/${helpdeskPerson.person.id}`)
      .replace(/^\/admin\/catalog\/:id/, `/admin/catalog/${productA}`)
      .replace(/^\/devices\/:id/, `/devices/${deviceA}`)
      .replace(/^\/admin\/downloads\/:id/, `/admin/downloads/${releaseA}`)
      .replace(/^\/admin\/kb\/:id/, `/admin/kb/${articleId}`)
      .replace(/^\/billing\/payment-methods\/:id/, `/billing/payment-methods/${paymentMethodA}`)
      .replace(/^\/admin\/billing\/organizations\/:organizationId/, `/admin/billing/organizations/${orgA}`)
      .replace(/^\/(admin\/)?licenses\/:id/, (_, admin: string | undefined) => `/${admin ?? ''}licenses/${licenseA}`)
      // The order form opens from a license's page, naming the license and what to order.
      .replace(/^\/billing\/orders\/new$/, (p) => (method === 'GET' ? `${p}?license=${licenseA}&kind=renew` : p))
      .replace(/^\/billing\/orders\/:id/, `/billing/orders/${orderA}`)
      .replace(
        /^\/(admin\/)?billing\/invoices\/:id/,
        (_, admin: string | undefined) => `/${admin ?? ''}billing/invoices/${invoiceA}`,
      )
      .replace(/^\/admin\/support\/canned\/:id/, `/admin/support/canned/${cannedReply}`)
      .replace(/^\/admin\/support\/searches\/:id/, `/admin/support/searches/${savedSearch}`)
      .replace(/^\/(admin\/)?support\/:id/, (_, admin: string | undefined) => `/${admin ?? ''}support/${ticketA}`)
      .replace(/:id\b/, memberA.person.id)
      // Any other parameter (an import's id, say) names nothing that exists.
      .replace(/:[A-Za-z]+/g, 'no-such-thing');

  /** Whether the path names something of organization A. */
  const ofA = (path: string) =>
    [memberA.person.id, licenseA, deviceA, paymentMethodA, orderA, invoiceA, ticketA].some((id) => path.includes(id));

  it('reads a routing table that covers the pages of the issue', () => {
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'GET /org/users',
      'GET /org/users/:id',
      'POST /org/users/:id/disable',
      'GET /org/settings',
      'GET /admin/users',
      'GET /admin/users/:id',
      'POST /admin/users/:id/unlock',
      'POST /admin/users/:id/resend-invitation',
      'GET /admin/staff',
      'POST /admin/staff/:id/resend',
      'POST /admin/staff/:id/revoke',
      'GET /admin/organizations',
      'GET /licenses/:id',
      'POST /licenses/:id/reset-key',
      'GET /admin/licenses/:id',
      'POST /licenses/reminders',
      'POST /licenses/:id/reminders/snooze',
      'POST /licenses/:id/reminders/resume',
      'GET /admin/renewals',
      'POST /admin/catalog/:id/plans',
      'GET /devices/:id',
      'POST /devices/:id/move',
      'GET /devices/seats',
      'GET /downloads',
      'GET /downloads/file/:releaseId',
      'GET /admin/downloads',
      'POST /admin/downloads/new',
      'GET /admin/downloads/:id/withdraw',
      'POST /admin/downloads/:id/withdraw',
      'GET /billing',
      'POST /billing',
      'GET /billing/payment-methods/new',
      'POST /billing/payment-methods',
      'POST /billing/payment-methods/:id/default',
      'POST /billing/payment-methods/:id/remove',
      'GET /admin/billing/settings',
      'POST /admin/billing/settings',
      'POST /admin/billing/settings/tax-rates',
      'POST /admin/billing/settings/tax-rates/:country/remove',
      'GET /admin/billing/organizations/:organizationId',
      'GET /billing/orders/new',
      'POST /billing/orders/new',
      'GET /billing/orders/:id',
      'POST /billing/orders/:id/confirm',
      'GET /billing/history',
      'GET /billing/history.csv',
      'GET /billing/invoices/:id',
      'GET /billing/invoices/:id/pdf',
      'GET /admin/billing',
      'GET /admin/billing/invoices/:id',
      'GET /admin/billing/invoices/:id/pdf',
      'POST /admin/billing/invoices/:id/mark-paid',
      'POST /admin/billing/invoices/:id/void',
      'POST /admin/billing/invoices/:id/refund',
      'GET /support',
      'GET /support/new',
      'POST /support/new',
      'GET /support/:id',
      'GET /support/tickets.csv',
      'GET /support/:id/conversation.txt',
      'POST /support/:id/reply',
      'POST /support/:id/close',
      'POST /support/:id/reopen',
      'GET /admin/support',
      'GET /admin/support/:id',
      'POST /admin/support/:id/reply',
      'POST /admin/support/:id/assign',
      'POST /admin/support/:id/status',
      'POST /admin/support/:id/impact',
      'GET /admin/support/canned',
      'GET /admin/support/canned/new',
      'POST /admin/support/canned/new',
      'GET /admin/support/canned/:id/edit',
      'POST /admin/support/canned/:id/edit',
      'POST /admin/support/canned/:id/delete',
      'POST /admin/support/:id/merge',
      'GET /admin/support/searches',
      'GET /admin/support/searches/new',
      'POST /admin/support/searches/new',
      'GET /admin/support/searches/:id/edit',
      'POST /admin/support/searches/:id/edit',
      'POST /admin/support/searches/:id/delete',
      'POST /admin/support/bulk',
      'GET /admin/kb',
      'GET /admin/kb/new',
      'POST /admin/kb/new',
      'GET /admin/kb/:id/edit',
      'POST /admin/kb/:id/edit',
      'GET /admin/kb/:id/revisions',
      'GET /admin/kb/:id/revisions/:number',
      'GET /kb/suggest',
    ]) {
      expect(paths).toContain(expected);
    }
    expect(routes.every((r) => r.roles !== undefined)).toBe(true);
    // Billing is for an organization's admins only; the operators' billing pages for operators only.
    const billing = routes.filter((r) => r.path.startsWith('/billing/'));
    const operatorsBilling = routes.filter((r) => r.path.startsWith('/admin/billing'));
    expect(billing.length + operatorsBilling.length).toBeGreaterThanOrEqual(14);
    expect(billing.filter((r) => r.roles?.join() !== 'admin').map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(operatorsBilling.filter((r) => r.roles?.join() !== 'operator').map((r) => `${r.method} ${r.path}`)).toEqual(
      [],
    );
    // The knowledge base's staff pages are for helpdesk and operators; suggestions for members and admins.
    const kbStaff = routes.filter((r) => r.path.startsWith('/admin/kb'));
    expect(kbStaff.filter((r) => r.roles?.join() !== 'helpdesk,operator').map((r) => `${r.method} ${r.path}`)).toEqual(
      [],
    );
    expect(routes.find((r) => r.path === '/kb/suggest')?.roles).toEqual(['admin', 'member']);
  });

  it('answers every GET as its roles say, and never with a 500', async () => {
    const table: string[] = [];
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const path = concrete(route.path);
      for (const [name, actor] of Object.entries(actors)) {
        const res = await actor.client.get(path);
        const allowed = actor.role !== null && (route.roles ?? []).includes(actor.role);
        let expected: number[];
        if (actor.role === null) expected = [303];
        else if (!allowed) expected = [403];
        // An admin of another organization learns nothing about A's people.
        else if (name === 'adminB' && ofA(path)) expected = [404];
        else if (path.includes('no-such-thing')) expected = [404];
        // A saved search is changed only by its owner (the operator); to anyone else it is not there.
        else if (path.startsWith(`/admin/support/searches/${savedSearch}`) && name !== 'operator') expected = [404];
        else expected = [200, 303];
        if (!expected.includes(res.status))
          table.push(`${name} GET ${path}: ${res.status}, expected ${expected.join('/')}`);
        if (actor.role === null && res.status === 303) expect(res.headers.location).toMatch(/^\/login/);
      }
    }
    expect(table).toEqual([]);
  });

  it('refuses every POST to whoever may not, changing nothing', async () => {
    const table: string[] = [];
    for (const route of routes.filter((r) => r.method === 'POST')) {
      const path = concrete(route.path, 'POST');
      for (const [name, actor] of Object.entries(actors)) {
        const allowed = actor.role !== null && (route.roles ?? []).includes(actor.role);
        const otherOrganization = allowed && name === 'adminB' && ofA(path);
        if (allowed && !otherOrganization) continue; // their own actions are each tested where they are built
        const csrf = actor.role === null ? '' : csrfFrom((await actor.client.get('/dashboard')).text);
        const res = await actor.client.agent
          .post(path)
          .type('form')
          .send({
            _csrf: csrf,
            reason: 'other',
            note: 'matrix',
            role: 'admin',
            name: 'Renamed by matrix',
            paymentMethod: 'invoice',
          })
          .redirects(0);
        const expected = otherOrganization ? [404] : actor.role === null ? [303, 403] : [403];
        if (!expected.includes(res.status))
          table.push(`${name} POST ${path}: ${res.status}, expected ${expected.join('/')}`);
      }
    }
    expect(table).toEqual([]);
    // Organization A and its member are as they were.
    expect((await actors.adminA.client.get(`/org/users/${memberA.person.id}`)).status).toBe(200);
    expect((await actors.operator.client.get(`/admin/organizations/${orgA}`)).text).toContain('Matrix A');
    // A's invoice is still open (not paid, void or refunded), and the only one.
    expect((await actors.operator.client.get(`/admin/billing/invoices/${invoiceA}`)).text).toContain(
      'data-state="open"',
    );
    expect(textsOf((await actors.adminA.client.get('/billing/history')).text, '[data-invoice]')).toHaveLength(1);
    // A's ticket is new, with only its first message.
    const ticket = await actors.helpdesk.client.get(`/admin/support/${ticketA}`);
    expect(ticket.text).toContain('data-state="new"');
    expect(textsOf(ticket.text, '[data-message]')).toHaveLength(1);
    // The operator's saved search is as it was.
    const searches = await actors.operator.client.get('/admin/support/searches');
    expect(textsOf(searches.text, '[data-saved-search-list] tbody td:first-child a')).toEqual(['Matrix']);
    expect(orgB).toBeDefined();
  });
});
