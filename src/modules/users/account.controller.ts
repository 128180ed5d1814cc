import { Controller, Get, NotFoundException, Render } from '@nestjs/common';
import { CurrentUser } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { profileView } from './person.view';
import { UsersService } from './users.service';

@Controller('account')
export class AccountController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Render('account/show')
  async show(@CurrentUser() user: Principal) {
    const person = await this.users.findById(user.personId);
    if (!person) throw new NotFoundException();
    return {
      title: 'Account',
      breadcrumbs: [{ label: 'Dashboard', href: '/dashboard' }, { label: 'Account' }],
      profile: profileView(person),
    };
  }
}
