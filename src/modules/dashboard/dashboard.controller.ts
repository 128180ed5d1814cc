import { Controller, Get, Redirect, Render } from '@nestjs/common';
import { CurrentUser } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { ROLE_LABELS } from '../../common/view/navigation';
import { DashboardService } from './dashboard.service';

@Controller()
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Redirect('/dashboard', 303)
  root() {}

  @Get('dashboard')
  @Render('dashboard/index')
  async show(@CurrentUser() user: Principal) {
    return {
      widgets: await this.dashboard.widgetsFor(user),
      title: 'Dashboard',
      breadcrumbs: [{ label: 'Dashboard' }],
      greetingName: user.name,
      roleLabel: ROLE_LABELS[user.role],
      orgName: user.orgName ?? undefined,
    };
  }
}
