import { Controller, Get, Render } from '@nestjs/common';
import { Roles } from '../../common/http/decorators';
import { PluginsAdminService } from './plugins-admin.service';

@Controller('admin/plugins')
@Roles('operator')
export class PluginsAdminController {
  constructor(private readonly plugins: PluginsAdminService) {}

  @Get()
  @Render('plugin-host/index')
  async index() {
    const plugins = await this.plugins.overview();
    return {
      title: 'Plugins',
      breadcrumbs: [{ label: 'Plugins' }],
      safeMode: this.plugins.safeMode,
      plugins,
      enabledCount: plugins.filter((plugin) => plugin.enabled).length,
    };
  }
}
