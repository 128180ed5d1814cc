import { Body, Controller, Post, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, FormView, Roles } from '../../common/http/decorators';
import { UuidParam } from '../../common/http/id-params';
import type { Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { AdminSupportPageLocals } from './admin-support.controller';
import { MergeDto } from './dto/ticket.dto';
import { TicketMerge, ticketRef } from './ticket-merge';

/** "Merge into…" on the agent's ticket page; refusals come back beside the field. */
@Controller('admin/support')
@Roles('helpdesk', 'operator')
@UseInterceptors(AdminSupportPageLocals)
export class TicketMergeController {
  constructor(private readonly merges: TicketMerge) {}

  @Post(':id/merge')
  @FormView('support/admin-show')
  async merge(@CurrentUser() user: Principal, @UuidParam() id: string, @Body() body: MergeDto, @Res() res: Response) {
    const { target } = await this.merges.merge(user, id, body.into);
    setFlash(res, 'success', `Ticket ${ticketRef(id)} was merged into this one.`);
    return res.redirect(303, `/admin/support/${target.id}`);
  }
}
