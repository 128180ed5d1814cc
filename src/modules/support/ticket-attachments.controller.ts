import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { ReadStream } from 'node:fs';
import { CurrentUser, Roles } from '../../common/http/decorators';
import { UuidParam } from '../../common/http/id-params';
import type { Principal } from '../../common/http/principal';
import { SupportService } from './support.service';
import { TicketAttachments } from './ticket-attachments';
import type { TicketAttachmentRow } from './ticket-attachments.repository';

/** Sends an attachment as a download of its stored type, never shown inline or sniffed. */
function send(res: Response, { attachment, stream }: { attachment: TicketAttachmentRow; stream: ReadStream }) {
  res.attachment(attachment.name);
  res.set({
    'Content-Type': attachment.contentType,
    'Content-Length': String(attachment.size),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  stream.on('error', (err) => res.destroy(err));
  stream.pipe(res);
}

/** A ticket's files for its customer: same scope as the ticket; internal notes' files never. */
@Controller('support')
@Roles('admin', 'member')
export class SupportAttachmentsController {
  constructor(
    private readonly support: SupportService,
    private readonly attachments: TicketAttachments,
  ) {}

  @Get(':id/attachments/:attachmentId')
  async download(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @UuidParam('attachmentId') attachmentId: string,
    @Res() res: Response,
  ) {
    await this.support.customerTicket(user, id);
    send(res, await this.attachments.open(id, attachmentId, false));
  }
}

/** Any ticket's files, internal notes' included, for the helpdesk and operators. */
@Controller('admin/support')
@Roles('helpdesk', 'operator')
export class AdminSupportAttachmentsController {
  constructor(
    private readonly support: SupportService,
    private readonly attachments: TicketAttachments,
  ) {}

  @Get(':id/attachments/:attachmentId')
  async download(@UuidParam() id: string, @UuidParam('attachmentId') attachmentId: string, @Res() res: Response) {
    await this.support.staffTicket(id);
    send(res, await this.attachments.open(id, attachmentId, true));
  }
}
