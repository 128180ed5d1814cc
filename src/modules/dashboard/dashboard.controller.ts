import { Controller, Get, Redirect, Render } from '@nestjs/common';
import { CurrentUser } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { ROLE_LABELS } from '../../common/view/navigation';

@Controller()
export class DashboardController {
  @Get()
  @Redirect('/dashboard', 303)
  root() {}

  @Get('dashboard')
  @Render('dashboard/index')
  show(@CurrentUser() user: Principal) {
    return {
      title: 'Dashboard',
      breadcrumbs: [{ label: 'Dashboard' }],
      greetingName: user.name,
      roleLabel: ROLE_LABELS[user.role],
      orgName: user.orgName ?? undefined,
    };
  }
}
