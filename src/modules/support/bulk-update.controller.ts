import { Body, Controller, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../../common/http/decorators';
import type { Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { BulkUpdateService, type BulkChange, type BulkResult } from './bulk-update.service';
import { BulkUpdateDto } from './dto/queue.dto';
import { cleanQueueSearch, queueHref } from './queue-query';

const tickets = (n: number) => `${n} ticket${n === 1 ? '' : 's'}`;

/** "Updated 7 tickets; 2 skipped (closed)", "…; 3 skipped (2 closed, 1 solved)", "No ticket updated; …". */
export function bulkMessage(result: BulkResult): string {
  const reasons = Object.entries(result.skipped);
  const skipped = reasons.reduce((sum, [, n]) => sum + n, 0);
  const updated = result.updated === 0 ? 'No ticket updated' : `Updated ${tickets(result.updated)}`;
  if (skipped === 0) return `${updated}.`;
  const why = reasons.length === 1 ? reasons[0][0] : reasons.map(([reason, n]) => `${n} ${reason}`).join(', ');
  return `${updated}; ${skipped} skipped (${why}).`;
}

/** The queue's bulk update: the ticked rows of a page, one change for all, back to the same page. */
@Controller('admin/support/bulk')
@Roles('helpdesk', 'operator')
export class BulkUpdateController {
  constructor(private readonly bulk: BulkUpdateService) {}

  @Post()
  async update(@CurrentUser() user: Principal, @Body() body: BulkUpdateDto, @Res() res: Response) {
    const back = queueHref(cleanQueueSearch(body.back, user, true));
    const change: BulkChange = {
      ...(body.assign
        ? { assigneeId: body.assign === 'me' ? user.personId : body.assign === 'nobody' ? null : body.assign }
        : {}),
      ...(body.status ? { status: body.status } : {}),
      ...(body.impact ? { impact: body.impact } : {}),
      ...(body.note ? { note: body.note } : {}),
    };
    const ids = body.ids ?? [];
    if (ids.length === 0) {
      setFlash(res, 'warning', 'Tick the tickets to update first.');
      return res.redirect(303, back);
    }
    if (Object.keys(change).length === 0) {
      setFlash(res, 'warning', 'Choose what to change: an assignee, a status, an impact or a note.');
      return res.redirect(303, back);
    }
    const result = await this.bulk.update(user, ids, change);
    setFlash(res, result.updated > 0 ? 'success' : 'warning', bulkMessage(result));
    return res.redirect(303, back);
  }
}
