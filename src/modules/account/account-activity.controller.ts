import { Controller, Get, Query, Render } from '@nestjs/common';
import { CurrentUser } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { AccountService } from './account.service';
import { activityRowView } from './account.view';

@Controller('account/activity')
export class AccountActivityController {
  constructor(private readonly account: AccountService) {}

  @Get()
  @Render('account/activity')
  async index(@CurrentUser() user: Principal, @Query() query: { after?: string; before?: string }) {
    const page = await this.account.activity(user.personId, pageRequest(query, 1));
    return {
      title: 'Account activity',
      breadcrumbs: [
        { label: 'Dashboard', href: '/dashboard' },
        { label: 'Account', href: '/account' },
        { label: 'Activity' },
      ],
      rows: page.rows.map((row) => activityRowView(row, user.personId)),
      ...pageLinks('/account/activity', {}, page),
    };
  }
}
