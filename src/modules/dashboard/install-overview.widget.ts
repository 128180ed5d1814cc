import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { Principal } from '../../common/http/principal';
import { bar, CHART_COLORS } from '../../common/view/charts';
import { AuditLogService } from '../../platform/audit/audit-log.service';
import { JobsService } from '../../platform/jobs/jobs.service';
import { MailService } from '../../platform/mail/mail.service';
import type { WidgetData } from '../../platform/module-host/define-module';
import { DevicesService } from '../devices/devices.service';
import { LicensesService } from '../licenses/licenses.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { PeopleService } from '../people/people.service';

const EXPIRY_ALERT_DAYS = 30;
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

/**
 * The operators' "Install overview" card: one number per question an
 * operator asks each morning, each linked to the list behind it where one
 * exists. Every number is one indexed query or a trigger-kept summary
 * (devices per protection, people per two-factor; seats are each license's
 * seats_used summed over the licenses in use), never a count of devices or
 * people.
 */
@Injectable()
export class InstallOverviewWidget implements WidgetData {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly licenses: LicensesService,
    private readonly devices: DevicesService,
    private readonly people: PeopleService,
    private readonly mail: MailService,
    private readonly jobs: JobsService,
    private readonly audit: AuditLogService,
    private readonly clock: Clock,
  ) {}

  async load(_user: Principal) {
    const now = this.clock.now();
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const [organizations, seats, expiring, devices, failedMail, jobs, lockouts, twoFactor] = await Promise.all([
      this.organizations.count(),
      this.licenses.seatTotals(),
      this.licenses.countExpiringWithin(EXPIRY_ALERT_DAYS),
      this.devices.summaryOfInstall(),
      this.mail.countWithStatus('failed'),
      this.jobs.overview(),
      this.audit.countSince('auth.lockout.started', today),
      this.people.twoFactorCoverage(),
    ]);
    const failingJobs = jobs.filter((job) => job.lastRun?.outcome === 'failed').length;
    const coverage = percent(twoFactor.withTwoFactor, twoFactor.active);
    const seatsText = `${seats.used} of ${seats.sold} used`;
    const coverageText = `${coverage}% (${twoFactor.withTwoFactor} of ${twoFactor.active} active people)`;
    return {
      rows: [
        { key: 'organizations', label: 'Organizations', value: String(organizations), href: '/admin/organizations' },
        { key: 'seats', label: 'Seats sold and used', value: seatsText, href: '/admin/licenses' },
        {
          key: 'expiring',
          label: `Licenses expiring within ${EXPIRY_ALERT_DAYS} days`,
          value: String(expiring),
          href: `/admin/licenses?expiring=${EXPIRY_ALERT_DAYS}`,
          alert: expiring > 0,
        },
        // Operators have no install-wide device list: the number stands alone.
        {
          key: 'unprotected',
          label: 'Devices unprotected',
          value: String(devices.unprotected),
          alert: devices.unprotected > 0,
        },
        {
          key: 'failed-mail',
          label: 'Failed mail',
          value: String(failedMail),
          href: '/admin/mail?status=failed',
          alert: failedMail > 0,
        },
        {
          key: 'failing-jobs',
          label: 'Failing jobs',
          value: String(failingJobs),
          href: '/admin/jobs',
          alert: failingJobs > 0,
        },
        {
          key: 'lockouts',
          label: 'Lockouts today',
          value: String(lockouts),
          href: `/admin/audit?action=auth.lockout.started&from=${today.toISOString().slice(0, 10)}`,
        },
        { key: 'two-factor', label: 'Two-factor coverage', value: coverageText },
      ],
      seatsChart: bar(seats.used, seats.sold, `Seats: ${seatsText}`),
      coverageChart: {
        ...bar(twoFactor.withTwoFactor, twoFactor.active, `Two-factor: ${coverageText}`),
        fill: CHART_COLORS.blue,
      },
    };
  }
}
