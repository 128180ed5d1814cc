/** The platforms a device agent runs on (the device API's `platform`). */
export const PLATFORMS = ['windows', 'macos', 'android', 'ios'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_LABELS: Record<Platform, string> = {
  windows: 'Windows',
  macos: 'macOS',
  android: 'Android',
  ios: 'iOS',
};

export const isPlatform = (value: unknown): value is Platform =>
  typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);

/** A comma list (`windows,macos`) or a form's checkboxes as the stored, ordered list; unknown names are returned apart. */
export function parsePlatforms(input: unknown): { platforms: Platform[]; unknown: string[] } {
  const names = (Array.isArray(input) ? input : typeof input === 'string' ? input.split(',') : [])
    .map((name) => String(name).trim().toLowerCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !isPlatform(name));
  return { platforms: PLATFORMS.filter((platform) => names.includes(platform)), unknown };
}

/** An agent version: up to four dot-separated numbers (`8.2.1`). */
export const AGENT_VERSION = /^\d{1,5}(\.\d{1,5}){0,3}$/;

/** Compares two agent versions numerically (`8.10` is newer than `8.9`): <0, 0 or >0. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
