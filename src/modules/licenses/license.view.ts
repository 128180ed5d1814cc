import { planLabel } from '../catalog/catalog.view';
import { PROTECTION_VIEW, type LicenseDeviceRow } from './license-devices';
import type { LicenseEventRow, LicenseStatus } from './licenses.repository';
import type { LicenseListItem } from './licenses.service';
import { maskProductKey } from './product-key';

const DAY = 86_400_000;

export const LICENSE_STATUS_VIEW: Record<LicenseStatus, { label: string; color: string }> = {
  active: { label: 'Active', color: 'green' },
  grace: { label: 'Grace period', color: 'yellow' },
  expired: { label: 'Expired', color: 'red' },
  suspended: { label: 'Suspended', color: 'secondary' },
  cancelled: { label: 'Cancelled', color: 'secondary' },
};

/** "in 12 days", "today", "3 days ago", for the days-to-expiry column. */
export function daysToExpiry(expiresAt: number, now: number) {
  const days = Math.ceil((expiresAt - now) / DAY);
  const text =
    days > 1
      ? `${days} days left`
      : days === 1
        ? '1 day left'
        : days === 0
          ? 'Expires today'
          : `Expired ${-days} day${days === -1 ? '' : 's'} ago`;
  // Under 30 days before expiry a license is worth an admin's attention.
  return { days, text, soon: days >= 0 && days < 30, past: expiresAt <= now };
}

export function licenseView(license: LicenseListItem, now: number) {
  const status = LICENSE_STATUS_VIEW[license.status];
  return {
    id: license.id,
    organizationId: license.organizationId,
    productName: license.product.name,
    sku: license.product.sku,
    planLabel: planLabel(license.plan),
    maskedKey: maskProductKey(license.keyHint),
    keyHint: license.keyHint,
    seats: license.seats,
    seatsUsed: license.seatsUsed,
    seatsText: `${license.seatsUsed} of ${license.seats} used`,
    seatsPercent: Math.round((license.seatsUsed / license.seats) * 100),
    startsAt: license.startsAt,
    expiresAt: license.expiresAt,
    expiry: daysToExpiry(license.expiresAt, now),
    autoRenew: license.autoRenew,
    status: license.status,
    statusLabel: status.label,
    statusColor: status.color,
    cancelled: license.status === 'cancelled',
    suspended: license.status === 'suspended',
  };
}

const EVENT_LABELS: Record<string, string> = {
  created: 'License created',
  extended: 'Term extended',
  suspended: 'Suspended',
  reactivated: 'Reactivated',
  cancelled: 'Cancelled',
  auto_renew_changed: 'Auto-renew changed',
  key_reset: 'Product key replaced',
  grace_started: 'Grace period started',
  expired: 'Expired',
  renewed: 'Renewed',
  reminder_sent: 'Renewal reminder sent',
  reminders_snoozed: 'Renewal reminders snoozed',
  reminders_resumed: 'Renewal reminders resumed',
};

const DETAIL_LABELS: Record<string, string> = {
  product: 'Product',
  plan: 'Plan',
  seats: 'Seats',
  starts: 'Starts',
  expires: 'Expires',
  expired: 'Expired on',
  previousExpiry: 'Previous expiry',
  autoRenew: 'Auto-renew',
  from: 'From',
  to: 'To',
  reason: 'Reason',
  previousEnding: 'Old key ended in',
  newEnding: 'New key ends in',
  stage: 'Stage',
  recipients: 'Recipients',
  days: 'Days',
  until: 'Until',
};

export function licenseEventView(event: LicenseEventRow) {
  const details = event.details ? (JSON.parse(event.details) as Record<string, unknown>) : {};
  return {
    at: event.at,
    label: EVENT_LABELS[event.kind] ?? event.kind,
    actor: event.actorLabel,
    statusChange:
      event.fromStatus && event.toStatus
        ? `${LICENSE_STATUS_VIEW[event.fromStatus].label} → ${LICENSE_STATUS_VIEW[event.toStatus].label}`
        : null,
    details: Object.entries(details).map(([key, value]) => ({
      label: DETAIL_LABELS[key] ?? key,
      value: typeof value === 'boolean' ? (value ? 'On' : 'Off') : String(value),
    })),
  };
}

export function licenseDeviceView(device: LicenseDeviceRow) {
  return {
    ...device,
    protectionLabel: PROTECTION_VIEW[device.protection].label,
    protectionColor: PROTECTION_VIEW[device.protection].color,
  };
}
