import { defineModule } from '../../platform/module-host/define-module';
import { BillingModule } from './billing.module';
import { PruneQuotesJob } from './prune-quotes.job';

export const billingModule = defineModule({
  id: 'billing',
  module: BillingModule,
  tables: [
    'billing_profiles',
    'payment_methods',
    'billing_settings',
    'tax_rates',
    'orders',
    'invoice_counters',
    'invoices',
    'payments',
  ],
  nav: [
    { label: 'Billing', href: '/billing', icon: 'receipt', roles: ['admin'] },
    { label: 'Billing', href: '/admin/billing', icon: 'receipt', roles: ['operator'] },
  ],
  jobs: [PruneQuotesJob],
  audit: {
    'billing.details_updated': 'Billing details changed',
    'billing.email_change_requested': 'Billing email change requested',
    'billing.email_confirmed': 'Billing email confirmed',
    'billing.settings_updated': 'Seller details changed',
    'billing.tax_rate_changed': 'Tax rate changed',
    'payment_method.added': 'Payment method added',
    'payment_method.removed': 'Payment method removed',
    'payment_method.default_changed': 'Default payment method changed',
    'order.placed': 'Order placed',
    'order.failed': 'Order payment failed',
    'invoice.issued': 'Invoice issued',
    'invoice.paid': 'Invoice paid',
    'invoice.voided': 'Invoice voided',
    'credit_note.issued': 'Credit note issued',
    'payment.captured': 'Payment captured',
    'payment.failed': 'Payment failed',
    'payment.refunded': 'Payment refunded',
  },
});
