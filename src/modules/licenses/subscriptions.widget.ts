import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { Principal } from '../../common/http/principal';
import { bar } from '../../common/view/charts';
import type { WidgetData } from '../../platform/module-host/define-module';
import { licenseView } from './license.view';
import { LicensesService, type LicenseListItem } from './licenses.service';

/** The "Subscriptions" card's view of an organization's licenses at `now` (also drawn by bench/floor.ts). */
export function subscriptionsCardView(licenses: readonly LicenseListItem[], now: number, isAdmin: boolean) {
  const views = licenses
    .filter((license) => license.status !== 'cancelled')
    .map((license) => {
      const view = licenseView(license, now);
      return {
        ...view,
        seatsChart: bar(view.seatsUsed, view.seats, `${view.productName}: ${view.seatsText} seats`),
        // Only a license still in use can be renewed in time; an expired one says so in its status.
        expiringSoon: view.expiry.soon && (view.status === 'active' || view.status === 'grace'),
      };
    });
  return {
    licenses: views,
    empty: views.length === 0,
    expiring: views.filter((view) => view.expiringSoon),
    isAdmin,
  };
}

/**
 * The dashboard's "Subscriptions" card: each license of the organization that
 * is not cancelled, its seat use as a bar and in words, days to expiry, and
 * an alert for every one in use that expires within 30 days.
 */
@Injectable()
export class SubscriptionsWidget implements WidgetData {
  constructor(
    private readonly licenses: LicensesService,
    private readonly clock: Clock,
  ) {}

  async load(user: Principal) {
    if (!user.orgId) return null;
    const now = +this.clock.now();
    return subscriptionsCardView(await this.licenses.allOf(user.orgId), now, user.role === 'admin');
  }
}
