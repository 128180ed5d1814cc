import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/http/principal';
import { donut } from '../../common/view/charts';
import type { WidgetData } from '../../platform/module-host/define-module';
import { PROTECTION_VIEW } from './device.view';
import { scopeOf } from './devices.controller';
import type { DeviceRow } from './devices.repository';
import { DevicesService } from './devices.service';
import { PROTECTIONS, type Protection } from './protection';

/** The "Protection" card's view of the counts (also drawn by bench/floor.ts). */
export function protectionCardView(counts: Record<Protection, number>, mine: boolean) {
  const rows = PROTECTIONS.map((protection) => ({
    key: protection,
    label: PROTECTION_VIEW[protection].label,
    color: PROTECTION_VIEW[protection].color,
    count: counts[protection],
    href: `/devices?protection=${protection}`,
  }));
  const chart = donut(
    rows.map((row) => ({ ...row, value: row.count })),
    mine ? 'Your devices' : 'Devices',
  );
  return { chart, rows, empty: chart.total === 0, mine };
}

/** The "Needs attention" card's view of the devices (also drawn by bench/floor.ts). */
export function attentionCardView(rows: readonly DeviceRow[]) {
  return {
    devices: rows.map((device) => ({
      id: device.id,
      name: device.name,
      reason: device.protectionReason,
      protection: device.protection,
      label: PROTECTION_VIEW[device.protection].label,
      color: PROTECTION_VIEW[device.protection].color,
    })),
  };
}

/**
 * The dashboard's "Protection" card: the person's devices (members) or the
 * organization's (admins) per protection, as a donut and as linked numbers.
 * An organization's counts come from the summary the triggers keep, never
 * from counting its devices.
 */
@Injectable()
export class ProtectionWidget implements WidgetData {
  constructor(private readonly devices: DevicesService) {}

  async load(user: Principal) {
    if (!user.orgId) return null;
    return protectionCardView(await this.devices.summary(scopeOf(user)), user.role === 'member');
  }
}

/** How many devices the "Needs attention" card lists. */
export const ATTENTION_LIMIT = 5;

/** The dashboard's "Needs attention" card: the worst five devices in scope (unprotected first), with why. */
@Injectable()
export class AttentionWidget implements WidgetData {
  constructor(private readonly devices: DevicesService) {}

  async load(user: Principal) {
    if (!user.orgId) return null;
    return attentionCardView(await this.devices.attention(scopeOf(user), ATTENTION_LIMIT));
  }
}
