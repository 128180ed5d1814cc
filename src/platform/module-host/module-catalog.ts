import type { NavItem } from '../../common/view/navigation';
import type { AppEventName } from '../events/app-events';
import type { DashboardWidget, ModuleDefinition } from './define-module';

/**
 * What the registered modules declared, read by the layout (navigation), the
 * audit and activity pages (labels), the event catalog (names for plugins and
 * webhooks) and the dashboard (widgets). Filled once, from src/app.modules.ts,
 * before any request or plugin reads it.
 */
class ModuleCatalog {
  readonly ids: string[] = [];
  readonly nav: NavItem[] = [];
  readonly widgets: DashboardWidget[] = [];
  /** The same array instance for the app's lifetime: plugins' validators hold it. */
  readonly eventNames: AppEventName[] = [];
  private readonly auditLabels = new Map<string, string>();
  private readonly eventDescriptions = new Map<string, string>();

  register(modules: readonly ModuleDefinition[]): void {
    for (const manifest of modules) {
      if (this.ids.includes(manifest.id)) continue;
      this.ids.push(manifest.id);
      this.nav.push(...(manifest.nav ?? []));
      this.widgets.push(...(manifest.dashboardWidgets ?? []));
      for (const [action, label] of Object.entries(manifest.audit ?? {})) {
        if (this.auditLabels.has(action)) throw new Error(`Audit action ${action} is declared twice (${manifest.id})`);
        this.auditLabels.set(action, label);
      }
      for (const [name, description] of Object.entries(manifest.events ?? {})) {
        if (this.eventDescriptions.has(name)) throw new Error(`Event ${name} is declared twice (${manifest.id})`);
        this.eventDescriptions.set(name, description);
        this.eventNames.push(name as AppEventName);
      }
    }
  }

  auditLabel(action: string): string | undefined {
    return this.auditLabels.get(action);
  }

  /**
   * What a reader is shown for an action: its module's label, or else its
   * words ("webhook.redelivered" → "Webhook redelivered"), never a bare code.
   */
  describeAction(action: string): string {
    return this.auditLabels.get(action) ?? actionWords(action);
  }

  eventDescription(name: string): string | undefined {
    return this.eventDescriptions.get(name);
  }
}

function actionWords(action: string): string {
  const text = action.replace(/[._]/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const MODULE_CATALOG = new ModuleCatalog();
