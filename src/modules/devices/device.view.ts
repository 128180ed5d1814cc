import { PLATFORM_LABELS } from '../catalog/platforms';
import { PROTECTION_VIEW } from '../licenses/license-devices';
import type { LicenseListItem } from '../licenses/licenses.service';
import type { DeviceRow } from './devices.repository';
import { protectionOf, PROTECTIONS } from './protection';

export { PROTECTION_VIEW };

export const protectionChoices = (selected?: string) =>
  PROTECTIONS.map((value) => ({ value, label: PROTECTION_VIEW[value].label, selected: value === selected }));

/** A device as lists and its page show it. */
export function deviceView(
  device: DeviceRow,
  names: { licenses: Map<string, LicenseListItem>; owners: Map<string, { name: string; email: string }> },
  now: number,
) {
  const license = names.licenses.get(device.licenseId);
  const owner = device.ownerId ? names.owners.get(device.ownerId) : undefined;
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
    ...device,
    platformLabel: PLATFORM_LABELS[device.platform],
    licenseLabel: license ? `${license.product.name} …${license.keyHint}` : '',
    currentAgentVersion: license?.product.agentVersion ?? null,
    ownerName: owner?.name ?? null,
    ownerEmail: owner?.email ?? null,
    protectionReason: live && live.protection === device.protection ? live.reason : device.protectionReason,
    protectionLabel: PROTECTION_VIEW[device.protection].label,
    protectionColor: PROTECTION_VIEW[device.protection].color,
    placeholder: device.activatedAt === null,
  };
}
