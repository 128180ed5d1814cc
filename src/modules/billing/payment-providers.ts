import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { PluginRegistry } from '../../platform/plugin-host/plugin-registry';
import type {
  PaymentAuthorization,
  PaymentProvider,
  PaymentRequest,
  PaymentResult,
} from '../../platform/plugin-host/plugin.types';

export type { PaymentProvider } from '../../platform/plugin-host/plugin.types';

// A reference derived from the idempotency key: the same payment asked twice gets the same answer.
const referenceOf = (prefix: string, key: string) =>
  `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;

/** Paying by invoice: nothing is taken now; an operator marks the invoice paid when the money arrives. */
export const INVOICE_PROVIDER: PaymentProvider = {
  id: 'invoice',
  label: 'Invoice (bank transfer)',
  authorize: (request) =>
    Promise.resolve({ outcome: 'pending', reference: referenceOf('inv', request.idempotencyKey) }),
  capture: (reference) => Promise.resolve({ ok: true, reference }),
  refund: (reference, _amount, _currency, key) => Promise.resolve({ ok: true, reference: referenceOf('cn', key) }),
};

/**
 * Cards whose last four digits the demo provider refuses, as payment test
 * suites do: 0002 is declined, 9995 has insufficient funds, 0069 expired.
 */
export const TEST_DECLINES: Record<string, string> = {
  '0002': 'The card was declined.',
  '9995': 'The card has insufficient funds.',
  '0069': 'The card has expired.',
};

/** The demo card provider: approves every card except the TEST_DECLINES numbers. Takes no real money. */
export const TEST_PROVIDER: PaymentProvider = {
  id: 'test',
  label: 'Test payments (no money moves)',
  authorize(request: PaymentRequest): Promise<PaymentAuthorization> {
    const decline = request.card ? TEST_DECLINES[request.card.last4] : 'No card was given.';
    if (decline) return Promise.resolve({ outcome: 'declined', reason: decline });
    return Promise.resolve({ outcome: 'approved', reference: referenceOf('test', request.idempotencyKey) });
  },
  capture: (reference): Promise<PaymentResult> => Promise.resolve({ ok: true, reference }),
  refund: (_reference, _amount, _currency, key): Promise<PaymentResult> =>
    Promise.resolve({ ok: true, reference: referenceOf('test_refund', key) }),
};

/**
 * The payment providers in use: `invoice` always, and for cards the first
 * enabled plugin's provider, else `test`.
 */
@Injectable()
export class PaymentProviders {
  constructor(private readonly plugins: PluginRegistry) {}

  /** Who takes card payments (and is stored with each card added). */
  get card(): PaymentProvider {
    return this.plugins.paymentProviders()[0] ?? TEST_PROVIDER;
  }

  get invoice(): PaymentProvider {
    return INVOICE_PROVIDER;
  }

  /** A provider by id (the one a past payment used), or null when it is no longer installed. */
  byId(id: string): PaymentProvider | null {
    if (id === INVOICE_PROVIDER.id) return INVOICE_PROVIDER;
    if (id === TEST_PROVIDER.id) return TEST_PROVIDER;
    return this.plugins.paymentProviders().find((provider) => provider.id === id) ?? null;
  }
}
