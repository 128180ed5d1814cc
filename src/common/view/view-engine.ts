import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { registerHelpers } from './helpers';

// hbs 4.3 has no typings; this is the part of it we use.
export interface HbsInstance {
  __express: (...args: unknown[]) => void;
  handlebars: { registerPartial(name: string, source: string): void };
  registerHelper(name: string, fn: (...args: unknown[]) => unknown): void;
}

function* hbsFiles(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) yield* hbsFiles(full);
    else if (entry.endsWith('.hbs')) yield full;
  }
}

/**
 * One Handlebars instance per app. Partials are registered synchronously at
 * start-up (hbs' own registerPartials is asynchronous and races the first
 * request). `prefix` namespaces a plugin's partials: `<prefix>/<name>`.
 */
export function createViewEngine(partialDirs: { dir: string; prefix?: string }[]): HbsInstance {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hbs = (require('hbs') as { create(): HbsInstance }).create();
  registerHelpers(hbs);
  for (const { dir, prefix } of partialDirs) {
    for (const file of hbsFiles(dir)) {
      const name = relative(dir, file).slice(0, -'.hbs'.length).split(sep).join('/');
      hbs.handlebars.registerPartial(prefix ? `${prefix}/${name}` : name, readFileSync(file, 'utf8'));
    }
  }
  return hbs;
}
