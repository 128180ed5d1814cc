/** How a device's protection reads, wherever it is shown (the devices module's pages and the license's). */
export const PROTECTION_VIEW = {
  protected: { label: 'Protected', color: 'green', icon: 'shield-check' },
  at_risk: { label: 'At risk', color: 'yellow', icon: 'alert-triangle' },
  unprotected: { label: 'Unprotected', color: 'red', icon: 'shield-x' },
} as const;

/** A device on a license, as the license's page lists it. */
export interface LicenseDeviceRow {
  id: string;
  name: string;
  platform: string;
  protection: 'protected' | 'at_risk' | 'unprotected';
  protectionReason: string;
  lastSeenAt: number | null;
}

/**
 * A port: the devices on a license, answered by the devices module (which
 * depends on licenses, so licenses cannot ask it directly).
 */
export abstract class LicenseDevices {
  /** The first `limit` devices of the license by name. */
  abstract devicesOn(licenseId: string, limit: number): Promise<LicenseDeviceRow[]>;
}
