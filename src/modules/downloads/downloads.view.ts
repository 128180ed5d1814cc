import { PLATFORM_LABELS, PLATFORMS, type Platform } from '../catalog/platforms';
import { maskProductKey } from '../licenses/product-key';
import type { ProductOffer, ReleaseItem, ReleaseRow } from './downloads.service';
import { renderReleaseNotes } from './release-notes';

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1,234,567 bytes → "1.2 MB" (powers of 1,000, as the upload limit). */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** How a person installs the product on each platform, with the product key at the end. */
export const INSTALL_STEPS: Record<Platform, string[]> = {
  windows: [
    'Download the installer (.exe or .msi) on the Windows PC.',
    'Check that its SHA-256 matches the one shown here: in PowerShell, run Get-FileHash followed by the file name.',
    'Double-click the installer and follow the steps; Windows asks for an administrator’s permission.',
    'When the installer asks for it, enter the product key.',
  ],
  macos: [
    'Download the installer package (.pkg) on the Mac.',
    'Check that its SHA-256 matches the one shown here: in Terminal, run shasum -a 256 followed by the file name.',
    'Open the package and follow the steps; macOS asks for an administrator’s password.',
    'When macOS says a system extension was blocked, open System Settings → Privacy & Security and click Allow next to the extension.',
    'When the app asks for it, enter the product key.',
  ],
  android: [
    'Install the app from Google Play, or download the APK here if your organization installs apps itself (allow installs from this source when Android asks).',
    'Open the app and grant the permissions it asks for.',
    'Enter the product key when the app asks for it.',
  ],
  ios: [
    'Install the app from the App Store on the iPhone or iPad.',
    'Open the app and allow what it asks for (notifications, the VPN or device-management profile).',
    'Enter the product key when the app asks for it.',
  ],
};

export function releaseRowView(release: ReleaseItem) {
  return {
    id: release.id,
    productName: release.product.name,
    sku: release.product.sku,
    platform: release.platform,
    platformLabel: PLATFORM_LABELS[release.platform],
    version: release.version,
    fileName: release.fileName,
    size: humanSize(release.size),
    sha256: release.sha256,
    current: release.current,
    withdrawn: release.withdrawnAt !== null,
    withdrawnAt: release.withdrawnAt,
    createdAt: release.createdAt,
  };
}

/** The releases of one product and platform together, newest first (the list is sorted so). */
export function releaseGroupsView(releases: ReleaseItem[]) {
  const groups: { title: string; rows: ReturnType<typeof releaseRowView>[] }[] = [];
  let key = '';
  for (const release of releases) {
    const next = `${release.productId}/${release.platform}`;
    if (next !== key) {
      key = next;
      groups.push({ title: `${release.product.name} for ${PLATFORM_LABELS[release.platform]}`, rows: [] });
    }
    groups[groups.length - 1].rows.push(releaseRowView(release));
  }
  return groups;
}

export const platformOptions = (selected?: string) =>
  PLATFORMS.map((platform) => ({ value: platform, label: PLATFORM_LABELS[platform], selected: platform === selected }));

export function offerView(offer: ProductOffer, linkTo: (release: ReleaseRow) => string) {
  return {
    name: offer.product.name,
    sku: offer.product.sku,
    licenses: offer.licenses.map((license) => ({
      id: license.id,
      maskedKey: maskProductKey(license.keyHint),
      status: license.status,
      grace: license.status === 'grace',
    })),
    platforms: offer.platforms.map(({ platform, release }) => ({
      platform,
      label: PLATFORM_LABELS[platform],
      steps: INSTALL_STEPS[platform],
      release: release && {
        id: release.id,
        version: release.version,
        fileName: release.fileName,
        size: humanSize(release.size),
        sha256: release.sha256,
        notesHtml: renderReleaseNotes(release.notes),
        createdAt: release.createdAt,
        href: linkTo(release),
      },
    })),
  };
}
