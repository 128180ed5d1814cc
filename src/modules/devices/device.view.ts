import { pageLinks, type Page } from '../../common/pagination';
import { isPlatform, PLATFORM_LABELS, PLATFORMS } from '../catalog/platforms';
import { PROTECTION_VIEW } from '../licenses/license-devices';
import type { LicenseListItem } from '../licenses/licenses.service';
import { nameKey, type DeviceRow } from './devices.repository';
import { protectionOf, PROTECTIONS, type Protection } from './protection';

export { PROTECTION_VIEW };

export const protectionChoices = (selected?: string) =>
  PROTECTIONS.map((value) => ({ value, label: PROTECTION_VIEW[value].label, selected: value === selected }));

/** A device as lists and its page show it: every column, and what the pages print. */
export interface DeviceView extends DeviceRow {
  platformLabel: string;
  licenseLabel: string;
  currentAgentVersion: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  protectionLabel: string;
  protectionColor: string;
  placeholder: boolean;
}

/**
 * A device as lists and its page show it. One object literal naming every
 * field, not the row spread with the extra keys added: V8 turns such an
 * object into a slow dictionary (≈ 3 µs each, and slower for the template to
 * read), which cost a 25-row page more than its SQL.
 */
export function deviceView(
  device: DeviceRow,
  names: { licenses: Map<string, LicenseListItem>; owners: Map<string, { name: string; email: string }> },
  now: number,
): DeviceView {
  const license = names.licenses.get(device.licenseId);
  const owner = device.ownerId ? names.owners.get(device.ownerId) : undefined;
  const protection = PROTECTION_VIEW[device.protection];
  // The stored reason was written when the protection last changed ("Not seen for 1 day."); while the
  // protection is still the same, say it as of now ("Not seen for 9 days.").
  const live =
    license &&
    protectionOf(
      {
        licenseStatus: license.status,
        lastSeenAt: device.lastSeenAt,
        agentVersion: device.agentVersion,
        currentAgentVersion: license.product.agentVersion,
      },
      now,
    );
  return {
    id: device.id,
    organizationId: device.organizationId,
    licenseId: device.licenseId,
    productId: device.productId,
    ownerId: device.ownerId,
    name: device.name,
    platform: device.platform,
    agentVersion: device.agentVersion,
    signaturesVersion: device.signaturesVersion,
    lastSeenAt: device.lastSeenAt,
    activatedAt: device.activatedAt,
    protection: device.protection,
    protectionReason: live && live.protection === device.protection ? live.reason : device.protectionReason,
    createdAt: device.createdAt,
    platformLabel: PLATFORM_LABELS[device.platform],
    licenseLabel: license ? `${license.product.name} …${license.keyHint}` : '',
    currentAgentVersion: license?.product.agentVersion ?? null,
    ownerName: owner?.name ?? null,
    ownerEmail: owner?.email ?? null,
    protectionLabel: protection.label,
    protectionColor: protection.color,
    placeholder: device.activatedAt === null,
  };
}

/** The device list's query string, checked: what is not one of the choices is ignored. */
export function parseDeviceList(query: { q?: unknown; protection?: unknown; platform?: unknown; license?: unknown }) {
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 120) : '';
  const protection = PROTECTIONS.find((p) => p === query.protection);
  const platform = isPlatform(query.platform) ? query.platform : undefined;
  const license =
    typeof query.license === 'string' && /^[0-9a-f-]{36}$/.test(query.license) ? query.license : undefined;
  return {
    q,
    protection,
    platform,
    license,
    filter: { protection, platform, licenseId: license, namePrefix: q ? nameKey(q) : undefined },
  };
}

/** The /devices page's locals (the controller's, and bench/floor.ts's so both render the same page). */
export function deviceListView(input: {
  list: ReturnType<typeof parseDeviceList>;
  page: Page<DeviceRow>;
  summary: Record<Protection, number>;
  names: { licenses: Map<string, LicenseListItem>; owners: Map<string, { name: string; email: string }> };
  licenseList: LicenseListItem[];
  isAdmin: boolean;
  now: number;
}) {
  const { q, protection, platform, license } = input.list;
  const params = { q: q || undefined, protection, platform, license };
  const chips = [
    ...(q ? [{ label: `Name starts with “${q}”`, key: 'q' }] : []),
    ...(protection ? [{ label: PROTECTION_VIEW[protection].label, key: 'protection' }] : []),
    ...(platform ? [{ label: PLATFORM_LABELS[platform], key: 'platform' }] : []),
    ...(license ? [{ label: `License …${input.names.licenses.get(license)?.keyHint ?? '?'}`, key: 'license' }] : []),
  ].map((chip) => {
    const rest = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value && key !== chip.key) rest.set(key, value);
    return { label: chip.label, href: `/devices${rest.size ? `?${rest.toString()}` : ''}` };
  });
  return {
    title: 'Devices',
    breadcrumbs: [{ label: 'Devices' }],
    isAdmin: input.isAdmin,
    q,
    filtered: chips.length > 0,
    chips,
    summary: PROTECTIONS.map((p) => ({
      value: p,
      label: PROTECTION_VIEW[p].label,
      color: PROTECTION_VIEW[p].color,
      count: input.summary[p],
      href: `/devices?protection=${p}`,
    })),
    protectionChoices: protectionChoices(protection),
    platformChoices: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABELS[p], selected: p === platform })),
    licenseChoices: input.licenseList.map((l) => ({
      value: l.id,
      label: `${l.product.name} …${l.keyHint}`,
      selected: l.id === license,
    })),
    rows: input.page.rows.map((row) => deviceView(row, input.names, input.now)),
    ...pageLinks('/devices', params, input.page),
  };
}
