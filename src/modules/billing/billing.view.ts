import { COUNTRIES, countryName } from './countries';
import type { BillingProfile } from './billing-profiles.service';
import { methodLabel, type ListedPaymentMethod } from './payment-methods.service';

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
