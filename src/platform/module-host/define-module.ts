import { MODULE_METADATA } from '@nestjs/common/constants';
import type { DynamicModule, Provider, Type } from '@nestjs/common';
import type { Principal, RoleName } from '../../common/http/principal';
import type { NavItem } from '../../common/view/navigation';
import type { AppEventName } from '../events/app-events';

/** What a widget shows one person; null hides the card for them. */
export interface WidgetData {
  load(user: Principal): Promise<Record<string, unknown> | null>;
}

export interface DashboardWidget {
  id: string;
  title: string;
  /** A partial under views/partials, rendered with what `data` loads. */
  partial: string;
  roles: RoleName[];
  /** A provider of the module (added to its providers) that loads the card's data. */
  data?: Type<WidgetData>;
}

/**
 * Everything a core module adds to the app, next to its code: the Nest module,
 * its navigation, the labels of the audit actions it records, the events it
 * emits (typed by augmenting AppEventMap in the same folder), its @Job classes
 * and dashboard widgets. Registered once in src/app.modules.ts.
 */
export interface ModuleManifest {
  /** The folder name: `organizations` for src/modules/organizations. */
  id: string;
  module: Type<unknown> | DynamicModule;
  /** The tables this module owns: only its repositories query them (test/architecture). */
  tables?: string[];
  nav?: NavItem[];
  /** Audit action → what it means to a person ("Organization created"). */
  audit?: Record<string, string>;
  /** Event name → one line for people choosing events (webhooks). */
  events?: Partial<Record<AppEventName, string>>;
  /** Classes with @Job methods: added to the module's providers. */
  jobs?: Type<unknown>[];
  dashboardWidgets?: DashboardWidget[];
  /**
   * What this module answers for the platform or a lower module, through an
   * abstract class they own (a port): `{ provide: OrganizationNames,
   * useExisting: OrganizationsService }`. The service must be exported.
   */
  ports?: (Provider & { provide: abstract new (...args: never[]) => unknown; useExisting: Type<unknown> })[];
}

export type ModuleDefinition = Readonly<ModuleManifest>;

export function defineModule(manifest: ModuleManifest): ModuleDefinition {
  const providers = [
    ...(manifest.jobs ?? []),
    ...(manifest.dashboardWidgets ?? []).flatMap((widget) => (widget.data ? [widget.data] : [])),
  ];
  if (providers.length) addProviders(manifest.module, providers);
  return Object.freeze({ ...manifest });
}

// Jobs and widget loaders join the module's own providers (one instance of the module, as
// other modules import it), as if listed in its @Module().
function addProviders(module: Type<unknown> | DynamicModule, providers: Type<unknown>[]): void {
  if ('module' in module) {
    module.providers = [...(module.providers ?? []), ...providers.filter((p) => !module.providers?.includes(p))];
    return;
  }
  const current = (Reflect.getMetadata(MODULE_METADATA.PROVIDERS, module) as unknown[] | undefined) ?? [];
  const added = providers.filter((p) => !current.includes(p));
  Reflect.defineMetadata(MODULE_METADATA.PROVIDERS, [...current, ...added], module);
}

class PortsModule {}

/**
 * One global module binding every port to the module that answers it, so a
 * platform service can ask for OrganizationNames without knowing who answers.
 */
export function portsModule(modules: readonly ModuleDefinition[]): DynamicModule {
  const withPorts = modules.filter((m) => m.ports?.length);
  const ports = withPorts.flatMap((m) => m.ports ?? []);
  return {
    module: PortsModule,
    global: true,
    imports: withPorts.map((m) => m.module),
    providers: ports,
    exports: ports.map((port) => port.provide),
  };
}
