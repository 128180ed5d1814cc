import type { Type } from '@nestjs/common';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PLUGINS_DIR, PROJECT_ROOT } from '../../config/paths';
import { inspectModule } from './plugin-inspector';
import { HOST_API_VERSION, isPluginDefinition, type PluginDefinition } from './plugin.types';
import { errorCode, errorMessage } from '../../common/error-info';

/** Refuses the start: one line that names the plugin. */
export class PluginLoadError extends Error {
  constructor(
    readonly pluginId: string,
    problem: string,
  ) {
    super(`Plugin "${pluginId}": ${problem}`);
  }
}

export interface FoundPlugin {
  id: string;
  /** The plugin's folder: views, README. */
  dir: string;
  enabled: boolean;
  /** Only enabled plugins are loaded: a disabled (or safe-mode) plugin's code never runs. */
  definition: PluginDefinition | null;
}

export interface LoadedPlugin extends FoundPlugin {
  enabled: true;
  definition: PluginDefinition;
}

export interface PluginSet {
  /** Every plugin folder, enabled or not, sorted by id. */
  found: FoundPlugin[];
  enabled: LoadedPlugin[];
  /** PLUGINS=none */
  safeMode: boolean;
}

export interface LoadPluginsOptions {
  /** Where plugin folders are (default `plugins/`); tests point it at fixtures. */
  dir?: string;
}

const ID = /^[a-z][a-z0-9-]*$/;

// ts-jest and ts-node run the .ts sources in place; compiled code runs from
// dist/, where tsc put dist/plugins/<id>/index.js next to dist/src/.
function codeDirFor(dir: string): string {
  return __filename.endsWith('.ts') ? dir : join(PROJECT_ROOT, 'dist', relative(PROJECT_ROOT, dir));
}

function pluginFolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => ID.test(name) && statSync(join(dir, name)).isDirectory())
    .sort();
}

function requireDefinition(id: string, codeDir: string): unknown {
  let exports: { default?: unknown };
  try {
    // Synchronous on purpose: the plugins shape the module graph Nest builds next.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(join(codeDir, id, 'index')) as { default?: unknown };
  } catch (err) {
    if (errorCode(err) === 'MODULE_NOT_FOUND' && errorMessage(err).includes(join(codeDir, id, 'index'))) {
      throw new PluginLoadError(
        id,
        `has no index file in ${relative(PROJECT_ROOT, join(codeDir, id)) || '.'} (build it, or remove the folder)`,
      );
    }
    throw new PluginLoadError(id, `its index failed to load: ${errorMessage(err).split('\n')[0]}`);
  }
  return exports.default;
}

function checkDefinition(id: string, definition: unknown): PluginDefinition {
  if (!isPluginDefinition(definition)) {
    throw new PluginLoadError(id, 'index must `export default definePlugin({ ... })`');
  }
  if (definition.id !== id) {
    throw new PluginLoadError(id, `declares id "${String(definition.id)}"; a plugin's id must equal its folder name`);
  }
  if (definition.apiVersion !== HOST_API_VERSION) {
    throw new PluginLoadError(
      id,
      `was written for plugin API version ${String(definition.apiVersion)}, this SeatDesk provides version ${HOST_API_VERSION}`,
    );
  }
  for (const field of ['name', 'version'] as const) {
    if (typeof definition[field] !== 'string' || definition[field].trim() === '') {
      throw new PluginLoadError(id, `must declare a ${field}`);
    }
  }
  if (!definition.module) throw new PluginLoadError(id, 'declares no module');
  const prefix = `/plugins/${id}`;
  for (const item of definition.nav ?? []) {
    if (item.href !== prefix && !item.href.startsWith(`${prefix}/`)) {
      throw new PluginLoadError(
        id,
        `nav item "${item.label}" links to ${item.href}; plugin pages live under ${prefix}`,
      );
    }
  }
  for (const widget of definition.dashboardWidgets ?? []) {
    if (!widget.partial.startsWith(`plugins/${id}/`)) {
      throw new PluginLoadError(id, `dashboard widget "${widget.id}" must use a partial named plugins/${id}/…`);
    }
  }
  for (const migration of definition.migrations ?? []) {
    if (!migration.name.startsWith(`plg_${id.replace(/-/g, '_')}_`)) {
      throw new PluginLoadError(id, `migration "${migration.name}" must be named plg_${id.replace(/-/g, '_')}_<name>`);
    }
  }
  // Routes are checked without building anything: controller paths are decorator metadata.
  const contents = inspectModule(definition.module);
  for (const { controller, path } of contents.controllers) {
    if (path !== `plugins/${id}` && !path.startsWith(`plugins/${id}/`)) {
      throw new PluginLoadError(
        id,
        `controller ${controller.name} is mounted at "/${path}"; plugin routes must start with ${prefix}`,
      );
    }
  }
  // Signed in is not enough: a plugin route names the roles it serves (or is deliberately public).
  for (const route of contents.routes) {
    if (!route.access) {
      throw new PluginLoadError(id, `route ${route.method} ${route.path} names no roles: add @Roles(...) or @Public()`);
    }
  }
  return definition;
}

/**
 * Finds the plugin folders and loads the enabled ones synchronously, before
 * the Nest graph is built. `selection` is `AppConfig.plugins`: null = every
 * folder, [] = safe mode, else the listed ids. Throws a PluginLoadError
 * naming the plugin when one is missing or wrong.
 */
export function loadPlugins(selection: string[] | null, options: LoadPluginsOptions = {}): PluginSet {
  const dir = options.dir ?? PLUGINS_DIR;
  const folders = pluginFolders(dir);
  for (const id of selection ?? []) {
    if (!folders.includes(id)) {
      throw new PluginLoadError(
        id,
        `is named in PLUGINS but there is no folder ${relative(PROJECT_ROOT, join(dir, id)) || id}`,
      );
    }
  }
  const wanted = new Set(selection ?? folders);
  const codeDir = codeDirFor(dir);
  const found: FoundPlugin[] = folders.map((id) => {
    const pluginDir = join(dir, id);
    if (!wanted.has(id)) return { id, dir: pluginDir, enabled: false, definition: null };
    return { id, dir: pluginDir, enabled: true, definition: checkDefinition(id, requireDefinition(id, codeDir)) };
  });
  return {
    found,
    enabled: found.filter((plugin): plugin is LoadedPlugin => plugin.enabled),
    safeMode: selection !== null && selection.length === 0,
  };
}

/** Entity classes of the enabled plugins, for the ORM configuration. */
export function pluginEntities(set: PluginSet): Type<unknown>[] {
  return set.enabled.flatMap((plugin) => [...(plugin.definition.entities ?? [])]);
}

/** Migrations of the enabled plugins, appended after the core ones. */
export function pluginMigrations(set: PluginSet) {
  return set.enabled.flatMap((plugin) => [...(plugin.definition.migrations ?? [])]);
}
