import { Injectable } from '@nestjs/common';
import type { LicenseListItem } from './licenses.service';

/** How an automatic renewal at expiry went. */
export type AutoRenewalOutcome = 'renewed' | 'failed';

/**
 * What the licenses module asks of billing, which depends on licenses (so it
 * cannot be injected here): billing registers itself once at start.
 */
export interface RenewalBillingHandler {
  /**
   * Renews a license whose term ran out and whose auto-renew is on: one
   * order per license and term, paid with the organization's default method
   * or invoiced, the term extended from the old expiry; 'failed' leaves the
   * license as it was (the admins are told). Safe to call again for the same
   * term: the second call finds the first one's order.
   */
  renewAtExpiry(license: LicenseListItem): Promise<AutoRenewalOutcome>;
  /** The confirmed billing email of each organization that has one. */
  billingEmails(organizationIds: readonly string[]): Promise<Map<string, string>>;
}

/**
 * The hook billing registers into (`onModuleInit() { renewals.register(this) }`).
 * Without it licenses lapse at expiry and reminders go to the admins only.
 */
@Injectable()
export class RenewalBilling {
  private handler: RenewalBillingHandler | null = null;

  register(handler: RenewalBillingHandler): void {
    this.handler = handler;
  }

  get current(): RenewalBillingHandler | null {
    return this.handler;
  }
}
