import type { NestExpressApplication } from '@nestjs/platform-express';
import { basename, dirname, resolve, sep } from 'node:path';
import { PLUGIN_NAV_SETTING } from '../../common/view/layout';
import type { PluginRegistry } from './plugin-registry';

interface ExpressView {
  lookup(name: string): string | undefined;
  resolve(dir: string, file: string): string | undefined;
}
type ExpressViewClass = new (name: string, options: object) => ExpressView;

// Express resolves `res.render(name)` through this class (app.set('view')).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BaseView = require('express/lib/view') as ExpressViewClass;

const PLUGIN_VIEW = /^plugins\/([a-z][a-z0-9-]*)\/(.+)$/;

/**
 * Plugin views are rendered by a namespaced name, `plugins/<id>/<view>`, and
 * found in `<plugin folder>/views/<view>.hbs`; every other name is looked up
 * in views/ as before. A disabled plugin's views cannot be found.
 */
export function pluginViewClass(viewDirs: Map<string, string>): ExpressViewClass {
  return class PluginAwareView extends BaseView {
    lookup(name: string): string | undefined {
      const match = PLUGIN_VIEW.exec(name.split(sep).join('/'));
      if (!match) return super.lookup(name);
      const root = viewDirs.get(match[1]);
      if (!root) return undefined;
      const file = resolve(root, match[2]);
      if (!file.startsWith(`${root}${sep}`)) return undefined;
      return this.resolve(dirname(file), basename(file));
    }
  };
}

/** Plugin views by namespaced name, and the host's and plugins' navigation items. */
export function mountPluginViews(app: NestExpressApplication, registry: PluginRegistry): void {
  app.set('view', pluginViewClass(registry.viewDirs()));
  app.set(PLUGIN_NAV_SETTING, registry.navItems());
}
