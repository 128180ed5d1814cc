import { formatMoney } from '../../common/money';
import type { InvoiceLine } from './invoice-document';
import type { InvoiceListRow, PaymentRow } from './invoices.repository';
import type { OrderRow } from './orders.repository';
import { orderKindName } from './orders.service';
import { rateText } from './invoice.view';
import { COUNTRIES, countryName } from './countries';
import type { BillingProfile } from './billing-profiles.service';
import { methodLabel, type ListedPaymentMethod } from './payment-methods.service';

/** One badge color per meaning (green paid, yellow pending, red failed, gray void). */
const INVOICE_STATUS: Record<InvoiceListRow['status'], { label: string; color: string }> = {
  open: { label: 'Open', color: 'yellow' },
  paid: { label: 'Paid', color: 'green' },
  void: { label: 'Void', color: 'secondary' },
};
const PAYMENT_STATUS: Record<PaymentRow['status'], { label: string; color: string }> = {
  pending: { label: 'Pending', color: 'yellow' },
  captured: { label: 'Paid', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  refunded: { label: 'Refunded', color: 'secondary' },
};
const ORDER_STATUS: Record<OrderRow['status'], { label: string; color: string }> = {
  quoted: { label: 'Quote', color: 'blue' },
  placed: { label: 'Placed', color: 'green' },
  failed: { label: 'Payment failed', color: 'red' },
};

export const lineView = (line: InvoiceLine, currency: string) => ({
  description: line.description,
  quantity: line.quantity,
  unit: formatMoney(line.unitMinor, currency),
  amount: formatMoney(line.amountMinor, currency),
});

export function orderView(order: OrderRow) {
  return {
    id: order.id,
    kind: order.kind,
    kindName: orderKindName(order.kind),
    automatic: order.source === 'auto_renew',
    status: order.status,
    statusLabel: ORDER_STATUS[order.status].label,
    statusColor: ORDER_STATUS[order.status].color,
    quotedAt: order.quotedAt,
    placedAt: order.placedAt,
    validUntil: order.validUntil,
    lines: order.lines.map((line) => lineView(line, order.currency)),
    subtotal: formatMoney(order.subtotalMinor, order.currency),
    taxRate: `${rateText(order.taxRateBp)} %`,
    tax: formatMoney(order.taxMinor, order.currency),
    total: formatMoney(order.totalMinor, order.currency),
    invoiceId: order.invoiceId,
    failure: order.failure,
    licenseId: order.licenseId,
  };
}

export function invoiceRowView(row: InvoiceListRow) {
  return {
    ...row,
    total: formatMoney(row.totalMinor, row.currency),
    creditNote: row.kind === 'credit_note',
    statusLabel: INVOICE_STATUS[row.status].label,
    statusColor: INVOICE_STATUS[row.status].color,
  };
}

export function paymentView(row: PaymentRow, providerLabel: string) {
  return {
    ...row,
    providerLabel,
    amount: formatMoney(row.amountMinor, row.currency),
    statusLabel: PAYMENT_STATUS[row.status].label,
    statusColor: PAYMENT_STATUS[row.status].color,
  };
}

/** A payment method as the billing pages list it. */
export function paymentMethodView(m: ListedPaymentMethod) {
  return {
    id: m.id,
    label: methodLabel(m),
    brand: m.brand,
    last4: m.last4,
    holderName: m.holderName,
    expiry: `${String(m.expMonth).padStart(2, '0')}/${String(m.expYear % 100).padStart(2, '0')}`,
    isDefault: m.isDefault,
    expired: m.expired,
    expiringSoon: m.expiringSoon,
  };
}

/** The billing details form's values (the address being confirmed, else the one in use). */
export function detailsValues(profile: BillingProfile): Record<string, string> {
  return {
    companyName: profile.companyName,
    addressLine1: profile.addressLine1,
    addressLine2: profile.addressLine2,
    city: profile.city,
    postalCode: profile.postalCode,
    region: profile.region,
    country: profile.country ?? '',
    taxId: profile.taxId,
    poReference: profile.poReference,
    billingEmail: profile.pendingEmail ?? profile.billingEmail ?? '',
  };
}

/** The read-only summary of an organization's details (operators' page). */
export function profileView(profile: BillingProfile) {
  const cityLine = [profile.postalCode, profile.city].filter(Boolean).join(' ');
  return {
    ...profile,
    countryName: countryName(profile.country),
    addressLines: [profile.addressLine1, profile.addressLine2, cityLine, profile.region].filter(Boolean),
  };
}

export const countryOptions = () => COUNTRIES;
