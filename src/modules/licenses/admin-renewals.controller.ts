import { Controller, Get, Query, Render } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Roles } from '../../common/http/decorators';
import { decodeCursor, encodeCursor, pageRequest, type Page } from '../../common/pagination';
import { LICENSE_STATUS_VIEW } from './license.view';
import { maskProductKey } from './product-key';
import { RenewalRemindersService, type PreviewCursor, type RenewalItem } from './renewal-reminders.service';

/** The windows /admin/renewals offers, in days. */
export const RENEWAL_WINDOWS = [7, 30, 90] as const;
const PAGE = 50;
type Section = 'renew' | 'lapse' | 'due';
type RenewalsQuery = { within?: string; next?: string } & Partial<Record<`${Section}${'After' | 'Before'}`, string>>;

const licenseCells = (license: RenewalItem) => ({
  id: license.id,
  organizationId: license.organizationId,
  organizationName: license.organizationName,
  productName: license.productName,
  maskedKey: maskProductKey(license.keyHint),
  seats: license.seats,
  expiresAt: license.expiresAt,
  statusLabel: LICENSE_STATUS_VIEW[license.status].label,
  statusColor: LICENSE_STATUS_VIEW[license.status].color,
});

/** Operators: what renews, lapses and is reminded in the next 7, 30 or 90 days, and what the next run would send. */
@Controller('admin/renewals')
@Roles('operator')
export class AdminRenewalsController {
  constructor(
    private readonly reminders: RenewalRemindersService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('licenses/renewals')
  async index(@Query() query: RenewalsQuery) {
    const within = RENEWAL_WINDOWS.find((days) => String(days) === query.within) ?? 30;
    const request = (section: Section) =>
      pageRequest({ after: query[`${section}After`], before: query[`${section}Before`] }, 2, PAGE);
    const cursor = decodeCursor(query.next, 3);
    const previewAfter =
      cursor && typeof cursor[0] === 'number' && typeof cursor[1] === 'number' && typeof cursor[2] === 'string'
        ? (cursor as PreviewCursor)
        : null;
    const [renew, lapse, due, preview] = await Promise.all([
      this.reminders.renewing(true, within, request('renew')),
      this.reminders.renewing(false, within, request('lapse')),
      this.reminders.upcoming(within, request('due')),
      this.reminders.preview(previewAfter, PAGE),
    ]);
    const links = (section: Section, page: Page<unknown>) => {
      const href = (key: 'After' | 'Before', value: string) =>
        `/admin/renewals?${new URLSearchParams({ within: String(within), [`${section}${key}`]: value }).toString()}#${section}`;
      return {
        nextHref: page.nextCursor ? href('After', page.nextCursor) : undefined,
        prevHref: page.prevCursor ? href('Before', page.prevCursor) : undefined,
      };
    };
    return {
      title: 'Renewals',
      breadcrumbs: [{ label: 'Renewals' }],
      within,
      windows: RENEWAL_WINDOWS.map((days) => ({
        days,
        href: `/admin/renewals?within=${days}`,
        active: days === within,
      })),
      now: +this.clock.now(),
      renew: { rows: renew.rows.map(licenseCells), ...links('renew', renew) },
      lapse: { rows: lapse.rows.map(licenseCells), ...links('lapse', lapse) },
      due: {
        rows: due.rows.flat().map((reminder) => ({
          ...licenseCells(reminder.license),
          stage: reminder.stage.label,
          at: reminder.at,
          snoozed: reminder.snoozed,
        })),
        ...links('due', due),
      },
      preview: {
        rows: preview.items.map((item) => ({
          licenseId: item.licenseId,
          organizationName: item.organizationName,
          productName: item.productName,
          maskedKey: maskProductKey(item.keyHint),
          expiresAt: item.expiresAt,
          stage: item.stage.label,
          skipped: item.skipped.map((stage) => stage.label).join(', '),
          subject: item.subject,
          recipients: item.recipients,
        })),
        nextHref: preview.next
          ? `/admin/renewals?${new URLSearchParams({ within: String(within), next: encodeCursor(preview.next) }).toString()}#next-run`
          : undefined,
        firstHref: previewAfter ? `/admin/renewals?within=${within}#next-run` : undefined,
      },
    };
  }
}
