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

export const EXPIRY_ALERT_DAYS = 30;
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

/** Midnight UTC of `now`'s day: "today" of the lockouts count and its audit filter. */
export const startOfDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

export interface InstallNumbers {
  organizations: number;
  seats: { sold: number; used: number };
  expiring: number;
  unprotected: number;
  failedMail: number;
  failingJobs: number;
  lockoutsToday: number;
  twoFactor: { active: number; withTwoFactor: number };
}

/** The card's view model (also built by bench/floor.ts from the same numbers). */
export function installOverviewView(numbers: InstallNumbers, today: Date) {
  const { seats, twoFactor } = numbers;
  const seatsText = `${seats.used} of ${seats.sold} used`;
  const coverage = percent(twoFactor.withTwoFactor, twoFactor.active);
  const coverageText = `${coverage}% (${twoFactor.withTwoFactor} of ${twoFactor.active} active people)`;
  const count = (key: string, label: string, value: number, href?: string, alert = value > 0) => ({
    key,
    label,
    value: String(value),
    href,
    alert,
  });
  return {
    rows: [
      count('organizations', 'Organizations', numbers.organizations, '/admin/organizations', false),
      { key: 'seats', label: 'Seats sold and used', value: seatsText, href: '/admin/licenses', alert: false },
      count(
        'expiring',
        `Licenses expiring within ${EXPIRY_ALERT_DAYS} days`,
        numbers.expiring,
        `/admin/licenses?expiring=${EXPIRY_ALERT_DAYS}`,
      ),
      // Operators have no install-wide device list: the number stands alone.
      count('unprotected', 'Devices unprotected', numbers.unprotected),
      count('failed-mail', 'Failed mail', numbers.failedMail, '/admin/mail?status=failed'),
      count('failing-jobs', 'Failing jobs', numbers.failingJobs, '/admin/jobs'),
      count(
        'lockouts',
        'Lockouts today',
        numbers.lockoutsToday,
        `/admin/audit?action=auth.lockout.started&from=${today.toISOString().slice(0, 10)}`,
        false,
      ),
      { key: 'two-factor', label: 'Two-factor coverage', value: coverageText, href: undefined, alert: false },
    ],
    seatsChart: bar(seats.used, seats.sold, `Seats: ${seatsText}`),
    coverageChart: {
      ...bar(twoFactor.withTwoFactor, twoFactor.active, `Two-factor: ${coverageText}`),
      fill: CHART_COLORS.blue,
    },
  };
}

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
    const today = startOfDay(this.clock.now());
    const [organizations, seats, expiring, devices, failedMail, failingJobs, lockoutsToday, twoFactor] =
      await Promise.all([
        this.organizations.count(),
        this.licenses.seatTotals(),
        this.licenses.countExpiringWithin(EXPIRY_ALERT_DAYS),
        this.devices.summaryOfInstall(),
        this.mail.countWithStatus('failed'),
        this.jobs.failingCount(),
        this.audit.countSince('auth.lockout.started', today),
        this.people.twoFactorCoverage(),
      ]);
    return installOverviewView(
      {
        organizations,
        seats,
        expiring,
        unprotected: devices.unprotected,
        failedMail,
        failingJobs,
        lockoutsToday,
        twoFactor,
      },
      today,
    );
  }
}
