import { Injectable } from '@nestjs/common';
import { PluginRegistry, type PluginContributions } from './plugin-registry';
import { Sql } from '../database/sql';

export interface PluginOverview {
  id: string;
  name: string;
  version: string | null;
  description: string | null;
  enabled: boolean;
  contributions: (PluginContributions & { tables: string[] }) | null;
}

@Injectable()
export class PluginsAdminService {
  constructor(
    private readonly sql: Sql,
    private readonly registry: PluginRegistry,
  ) {}

  get safeMode(): boolean {
    return this.registry.safeMode;
  }

  /** Every plugin folder; what an enabled plugin contributes, tables as they are in the database. */
  async overview(): Promise<PluginOverview[]> {
    const overview: PluginOverview[] = [];
    for (const { id } of this.registry.found) {
      const plugin = this.registry.enabled.find((enabled) => enabled.id === id);
      if (!plugin) {
        overview.push({ id, name: id, version: null, description: null, enabled: false, contributions: null });
        continue;
      }
      const { definition } = plugin;
      const prefix = `plg_${plugin.id.replace(/-/g, '_')}_`;
      const tables = await this.sql.all<{ name: string }>(
        `select name from sqlite_master where type = 'table' and substr(name, 1, ?) = ? order by name`,
        [prefix.length, prefix],
      );
      overview.push({
        id: plugin.id,
        name: definition.name,
        version: definition.version,
        description: definition.description ?? null,
        enabled: true,
        contributions: {
          ...this.registry.contributions(plugin),
          tables: tables.map((row) => row.name),
        },
      });
    }
    return overview;
  }
}
