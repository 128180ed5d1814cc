import { PLATFORM_LABELS } from '../catalog/platforms';
import { PROTECTION_VIEW } from '../licenses/license-devices';
import type { LicenseListItem } from '../licenses/licenses.service';
import type { DeviceRow } from './devices.repository';
import { PROTECTIONS } from './protection';

export { PROTECTION_VIEW };

export const protectionChoices = (selected?: string) =>
  PROTECTIONS.map((value) => ({ value, label: PROTECTION_VIEW[value].label, selected: value === selected }));

/** A device as lists and its page show it. */
export function deviceView(
  device: DeviceRow,
  names: { licenses: Map<string, LicenseListItem>; owners: Map<string, { name: string; email: string }> },
) {
  const license = names.licenses.get(device.licenseId);
  const owner = device.ownerId ? names.owners.get(device.ownerId) : undefined;
  return {
    ...device,
    platformLabel: PLATFORM_LABELS[device.platform],
    licenseLabel: license ? `${license.product.name} …${license.keyHint}` : '',
    currentAgentVersion: license?.product.agentVersion ?? null,
    ownerName: owner?.name ?? null,
    ownerEmail: owner?.email ?? null,
    protectionLabel: PROTECTION_VIEW[device.protection].label,
    protectionColor: PROTECTION_VIEW[device.protection].color,
    placeholder: device.activatedAt === null,
  };
}
