import { FixedClock } from '../../common/clock';
import type { AppConfig } from '../../config/app.config';
import type { CatalogService } from '../catalog/catalog.service';
import type { OrganizationsService } from '../organizations/organizations.service';
import type { PeopleService } from '../people/people.service';
import type { DueLicenseRow, RemindersRepository } from './reminders.repository';
import { RenewalBilling } from './renewal-billing';
import { RenewalRemindersService } from './renewal-reminders.service';

const DAY = 86_400_000;
const NOW = Date.parse('2027-01-10T09:00:00Z');

function service(config: Partial<AppConfig>, due: DueLicenseRow[] = [], optedOut: string[] = []) {
  const reminders: Pick<RemindersRepository, 'due' | 'optedOut'> = {
    due: jest.fn((_stages, status: string) => Promise.resolve(due.filter((row) => row.status === status))),
    optedOut: jest.fn(() => Promise.resolve(new Set(optedOut))),
  };
  const catalog: Pick<CatalogService, 'productsByIds'> = {
    productsByIds: () => Promise.resolve(new Map([['p1', { name: 'Endpoint Security' }]])) as never,
  };
  const people: Pick<PeopleService, 'activeAdminsByOrganization'> = {
    activeAdminsByOrganization: () =>
      Promise.resolve(
        new Map([
          [
            'o1',
            [
              { id: 'a1', name: 'Ada', email: 'ada@example.test', antiPhishingPhrase: null },
              { id: 'a2', name: 'Bo', email: 'bo@example.test', antiPhishingPhrase: null },
            ],
          ],
        ]),
      ),
  };
  const organizations: Pick<OrganizationsService, 'namesOf'> = {
    namesOf: () => Promise.resolve(new Map([['o1', 'Northwind']])),
  };
  const billing = new RenewalBilling();
  billing.register({
    renewAtExpiry: () => Promise.resolve('failed'),
    // The same address as an admin's, in another case: mailed once.
    billingEmails: () => Promise.resolve(new Map([['o1', 'ADA@example.test']])),
  });
  return new RenewalRemindersService(
    { graceDays: 14, reminderDays: [30, 7, 1, 0], graceReminderDays: 3, ...config } as AppConfig,
    {} as never,
    reminders as RemindersRepository,
    {} as never,
    catalog as CatalogService,
    organizations as OrganizationsService,
    people as PeopleService,
    billing,
    {} as never,
    {} as never,
    new FixedClock(NOW),
  );
}

const license = (over: Partial<DueLicenseRow>): DueLicenseRow => ({
  id: 'l1',
  organizationId: 'o1',
  productId: 'p1',
  keyHint: 'ABCDE',
  seats: 5,
  expiresAt: NOW + 5 * DAY,
  autoRenew: false,
  status: 'active',
  due: 'expiry-30',
  ...over,
});

describe('RenewalRemindersService', () => {
  it('orders the configured stages by time, the grace stage relative to GRACE_DAYS', () => {
    const stages = service({ reminderDays: [1, 14], graceReminderDays: 5, graceDays: 10 }).stages();
    expect(stages.map((s) => [s.stage, s.offsetMs / DAY, s.label])).toEqual([
      ['expiry-14', -14, '14 days before expiry'],
      ['expiry-1', -1, '1 day before expiry'],
      ['grace-5', 5, '5 days before the grace period ends'],
    ]);
    expect(
      service({ reminderDays: [0], graceReminderDays: null })
        .stages()
        .map((s) => s.label),
    ).toEqual(['On expiry']);
  });

  it('sends the latest stage past and passes over the older ones, to admins who want it and billing once', async () => {
    const { items, next } = await service({}, [license({ due: 'expiry-30,expiry-7' })], ['a2']).preview(null, 50);
    expect(next).toBeNull();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      organizationName: 'Northwind',
      subject: 'Your Endpoint Security license expires in 5 days',
      recipients: ['ada@example.test'],
    });
    expect(items[0].stage.stage).toBe('expiry-7');
    expect(items[0].skipped.map((s) => s.stage)).toEqual(['expiry-30']);
  });

  it('says what is true when it is sent: today, or expired with the grace days left', async () => {
    const subjects = async (row: Partial<DueLicenseRow>) =>
      (await service({}, [license(row)]).preview(null, 50)).items.map((item) => item.subject);
    expect(await subjects({ expiresAt: NOW - 3_600_000, due: 'expiry-0' })).toEqual([
      'Your Endpoint Security license expires today',
    ]);
    expect(await subjects({ expiresAt: NOW - 11 * DAY, status: 'grace', due: 'expiry-0,grace-3' })).toEqual([
      'Your Endpoint Security license has expired: renew within 3 days',
    ]);
    // A run days late after the expiry, with only the expiry stage missing, does not say "today".
    expect(await subjects({ expiresAt: NOW - 4 * DAY, status: 'grace', due: 'expiry-0' })).toEqual([
      'Your Endpoint Security license has expired: renew within 10 days',
    ]);
  });
});
