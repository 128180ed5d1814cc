import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Principal } from '../../common/http/principal';
import type { DashboardWidget } from '../../platform/module-host/define-module';
import { MODULE_CATALOG } from '../../platform/module-host/module-catalog';
import { PluginRegistry } from '../../platform/plugin-host/plugin-registry';

export interface WidgetView {
  id: string;
  title: string;
  partial: string;
  data: Record<string, unknown>;
}

/** The cards the modules and plugins declared, for one person: their role's, with their data. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly plugins: PluginRegistry,
  ) {}

  async widgetsFor(user: Principal): Promise<WidgetView[]> {
    const declared: Omit<DashboardWidget, 'roles'>[] = [
      ...MODULE_CATALOG.widgets.filter((widget) => widget.roles.includes(user.role)),
      ...this.plugins.dashboardWidgets().filter((widget) => widget.roles.includes(user.role)),
    ];
    const views = await Promise.all(
      declared.map(async (widget) => {
        // A card with a data provider (a module's or a plugin's) loads its own; else it sees who is looking.
        const data = widget.data
          ? await this.moduleRef.get(widget.data, { strict: false }).load(user)
          : { name: user.name, orgName: user.orgName };
        return data ? { id: widget.id, title: widget.title, partial: widget.partial, data } : null;
      }),
    );
    return views.filter((view): view is WidgetView => view !== null);
  }
}
