import { MikroORM } from '@mikro-orm/better-sqlite';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import type { RoleName } from '../../common/http/principal';
import type { NavItem } from '../../common/view/navigation';
import { inspectModule, type ModuleContents } from './plugin-inspector';
import { PluginLoadError, type FoundPlugin, type LoadedPlugin, type PluginSet } from './plugin-loader';
import type { PaymentProvider, PluginDashboardWidget } from './plugin.types';

export const PLUGIN_SET = Symbol('PLUGIN_SET');

// The host's own page, beside what the plugins add.
const HOST_NAV: NavItem[] = [{ label: 'Plugins', href: '/admin/plugins', icon: 'puzzle', roles: ['operator'] }];

export interface PluginContributions extends ModuleContents {
  entities: { name: string; table: string }[];
  migrations: string[];
  nav: { label: string; href: string }[];
  dashboardWidgets: string[];
}

/** The plugins of this app, as loaded before the graph was built. */
@Injectable()
export class PluginRegistry implements OnModuleInit {
  constructor(
    @Inject(PLUGIN_SET) private readonly set: PluginSet,
    private readonly orm: MikroORM,
  ) {}

  // Table names are only known once the ORM has read the entities.
  onModuleInit(): void {
    for (const plugin of this.set.enabled) {
      for (const entity of this.contributions(plugin).entities) {
        if (!entity.table.startsWith(`plg_${plugin.id.replace(/-/g, '_')}_`)) {
          throw new PluginLoadError(
            plugin.id,
            `entity ${entity.name} uses table "${entity.table}"; plugin tables are named plg_${plugin.id.replace(/-/g, '_')}_<name>`,
          );
        }
      }
    }
  }

  get safeMode(): boolean {
    return this.set.safeMode;
  }

  get found(): FoundPlugin[] {
    return this.set.found;
  }

  get enabled(): LoadedPlugin[] {
    return this.set.enabled;
  }

  /** The payment providers the enabled plugins offer, in plugin order. */
  paymentProviders(): PaymentProvider[] {
    return this.set.enabled.flatMap((plugin) =>
      plugin.definition.paymentProvider ? [plugin.definition.paymentProvider] : [],
    );
  }

  /** Partials of each enabled plugin, registered as `plugins/<id>/<name>`. */
  partialDirs(): { dir: string; prefix: string }[] {
    return this.set.enabled.map((plugin) => ({
      dir: join(plugin.dir, 'views', 'partials'),
      prefix: `plugins/${plugin.id}`,
    }));
  }

  /** Plugin id → its views folder, for views rendered as `plugins/<id>/<name>`. */
  viewDirs(): Map<string, string> {
    return new Map(this.set.enabled.map((plugin) => [plugin.id, join(plugin.dir, 'views')]));
  }

  /** Navigation items the host and the enabled plugins add after the core ones. */
  navItems(): NavItem[] {
    return [
      ...HOST_NAV,
      ...this.set.enabled.flatMap((plugin) =>
        (plugin.definition.nav ?? []).map((item) => ({ ...item, roles: [...item.roles] })),
      ),
    ];
  }

  /** The enabled plugins' dashboard cards, each with the roles that see it. */
  dashboardWidgets(): (Omit<PluginDashboardWidget, 'roles'> & { roles: RoleName[] })[] {
    return this.set.enabled.flatMap((plugin) => {
      // By default a card is for whoever the plugin's navigation is for, else operators.
      const navRoles = [...new Set((plugin.definition.nav ?? []).flatMap((item) => item.roles))];
      return (plugin.definition.dashboardWidgets ?? []).map((widget) => ({
        id: `${plugin.id}-${widget.id}`,
        title: widget.title,
        partial: widget.partial,
        roles: widget.roles ?? (navRoles.length ? navRoles : ['operator']),
        data: widget.data,
      }));
    });
  }

  contributions(plugin: LoadedPlugin): PluginContributions {
    const { definition } = plugin;
    const metadata = this.orm.getMetadata();
    return {
      ...inspectModule(definition.module),
      entities: (definition.entities ?? []).map((entity) => ({
        name: entity.name,
        table: metadata.find(entity.name)?.tableName ?? '(not registered)',
      })),
      migrations: (definition.migrations ?? []).map((migration) => migration.name),
      nav: (definition.nav ?? []).map(({ label, href }) => ({ label, href })),
      dashboardWidgets: (definition.dashboardWidgets ?? []).map((widget) => widget.title),
    };
  }
}
