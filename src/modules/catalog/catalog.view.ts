import { amountText, CURRENCIES, formatMoney } from '../../common/money';
import type { PlanRow, ProductRow } from './catalog.repository';
import type { ProductDetails } from './catalog.service';
import { PLATFORM_LABELS, PLATFORMS } from './platforms';

export const planLabel = (plan: Pick<PlanRow, 'edition' | 'termMonths'>) =>
  `${plan.edition}, ${plan.termMonths === 12 ? '1 year' : plan.termMonths % 12 === 0 ? `${plan.termMonths / 12} years` : `${plan.termMonths} months`}`;

export const platformNames = (product: Pick<ProductRow, 'platforms'>) =>
  product.platforms.map((platform) => PLATFORM_LABELS[platform]).join(', ');

/** The platform checkboxes of a product form, ticked as given. */
export const platformChoices = (ticked: readonly string[]) =>
  PLATFORMS.map((platform) => ({
    value: platform,
    label: PLATFORM_LABELS[platform],
    checked: ticked.includes(platform),
  }));

export const currencyChoices = (selected: string) =>
  Object.keys(CURRENCIES).map((code) => ({ value: code, selected: code === selected }));

export function productRowView(product: ProductRow) {
  return { ...product, platformNames: platformNames(product) };
}

export function productDetailsView(product: ProductDetails) {
  const names = new Map(product.plans.map((plan) => [plan.id, planLabel(plan)]));
  return {
    ...productRowView(product),
    plans: product.plans.map((plan) => ({
      ...plan,
      label: planLabel(plan),
      price: formatMoney(plan.pricePerSeatMinor, plan.currency),
      priceText: amountText(plan.pricePerSeatMinor, plan.currency),
      upgrades: plan.upgradesTo.map((id) => ({ id, label: names.get(id) ?? id })),
    })),
    hasSeveralPlans: product.plans.length > 1,
    planChoices: product.plans.map((plan) => ({ value: plan.id, label: planLabel(plan) })),
  };
}
