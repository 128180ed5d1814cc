import { DynamicModule, Module } from '@nestjs/common';
import { PLUGIN_SET, PluginRegistry } from './plugin-registry';
import type { PluginSet } from './plugin-loader';
import { PluginSecrets } from './plugin-secrets';
import { PluginsAdminController } from './plugins-admin.controller';
import { PluginsAdminService } from './plugins-admin.service';

/**
 * Mounts the enabled plugins' modules (loaded by loadPlugins before the graph
 * is built) and /admin/plugins. Global, so plugins can inject PluginSecrets.
 */
@Module({})
export class PluginHostModule {
  static forRoot(plugins: PluginSet): DynamicModule {
    return {
      module: PluginHostModule,
      global: true,
      imports: plugins.enabled.map((plugin) => plugin.definition.module),
      controllers: [PluginsAdminController],
      providers: [{ provide: PLUGIN_SET, useValue: plugins }, PluginRegistry, PluginSecrets, PluginsAdminService],
      exports: [PluginRegistry, PluginSecrets],
    };
  }
}
