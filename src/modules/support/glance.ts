import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/http/principal';
import { DevicesService } from '../devices/devices.service';
import { HelpdeskService } from '../helpdesk/helpdesk.service';
import { LicensesService } from '../licenses/licenses.service';
import type { TicketRow } from './tickets.repository';

/** How many of the organization's devices needing attention the panel lists. */
const DEVICES_SHOWN = 5;
/** How many licenses the panel lists. */
const LICENSES_SHOWN = 10;

/**
 * The customer at a glance beside a ticket: the requester's account state
 * (from the helpdesk's account health), their organization's licenses
 * (read-only: product, expiry, seats; never prices or billing) and its
 * devices needing attention. Read only; the actions live on the helpdesk's
 * person page.
 */
@Injectable()
export class SupportGlance {
  constructor(
    private readonly helpdesk: HelpdeskService,
    private readonly licenses: LicensesService,
    private readonly devices: DevicesService,
  ) {}

  async of(user: Principal, ticket: TicketRow) {
    const [health, licenses, devices] = await Promise.all([
      this.helpdesk.health(user, ticket.requesterId).catch(() => null),
      this.licenses.allOf(ticket.organizationId),
      this.devices.attention({ organizationId: ticket.organizationId }, DEVICES_SHOWN),
    ]);
    return {
      account: health && {
        personId: health.person.id,
        status: health.person.status,
        lockedUntil: health.lockedUntil,
        twoFactor: health.twoFactor.enabled,
        lastSignInAt: health.person.lastSignInAt ?? null,
        failedSignIns: health.failedSignIns,
        mayAct: health.mayAct,
      },
      licenses: licenses.slice(0, LICENSES_SHOWN).map((l) => ({
        id: l.id,
        product: l.product.name,
        keyHint: l.keyHint,
        status: l.status,
        expiresAt: l.expiresAt,
        seats: `${l.seatsUsed} of ${l.seats} used`,
        full: l.seatsUsed >= l.seats,
      })),
      moreLicenses: Math.max(0, licenses.length - LICENSES_SHOWN),
      devices: devices.map((d) => ({ name: d.name, protection: d.protection, reason: d.protectionReason })),
    };
  }
}
