import { Body, Controller, Get, Post, Query, Render, Res } from '@nestjs/common';
import { IntIdParam } from '../../common/http/id-params';
import type { Response } from 'express';
import { FormView, Roles } from '../../common/http/decorators';
import { pageLinks, pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { SendTestMailDto } from './dto/send-test-mail.dto';
import { MAIL_STATUSES, type MailStatus } from './mail-outbox.repository';
import { MailService } from './mail.service';
import { messageView, statusLabel, statusOptions } from './mail.view';

const LIST = { label: 'Mail', href: '/admin/mail' };
const TEST_LOCALS = () => ({ title: 'Send a test message', breadcrumbs: [LIST, { label: 'Send a test message' }] });

// A malformed id is as unknown as a missing one: 404, not 400.
const MessageId = () => IntIdParam();

@Controller('admin/mail')
@Roles('operator')
export class MailAdminController {
  constructor(private readonly mail: MailService) {}

  @Get()
  @Render('mail-admin/index')
  async index(@Query() query: { status?: string; after?: string; before?: string }) {
    const status = MAIL_STATUSES.find((s) => s === query.status) as MailStatus | undefined;
    const page = await this.mail.list(pageRequest(query, 1), status);
    return {
      title: 'Mail',
      breadcrumbs: [{ label: 'Mail' }],
      transport: this.mail.transportDescription,
      status,
      statusLabel: status ? statusLabel(status) : null,
      statusOptions: statusOptions(status),
      rows: page.rows.map(messageView),
      ...pageLinks('/admin/mail', { status }, page),
    };
  }

  @Get('test')
  @Render('mail-admin/test')
  newTest() {
    return { ...TEST_LOCALS(), values: {} };
  }

  @Post('test')
  @FormView('mail-admin/test', TEST_LOCALS)
  async sendTest(@Body() body: SendTestMailDto, @Res() res: Response) {
    await this.mail.sendTest(body.to);
    setFlash(res, 'success', `Test message to ${body.to} queued. It appears below as sent once delivered.`);
    return res.redirect(303, '/admin/mail');
  }

  @Post(':id/resend')
  async resend(@MessageId() id: number, @Res() res: Response) {
    const { message, resent } = await this.mail.resend(id);
    if (resent) setFlash(res, 'success', `Message to ${message.to} queued again.`);
    else
      setFlash(
        res,
        'warning',
        `Only a failed message can be re-sent; the message to ${message.to} is ${statusLabel(message.status).toLowerCase()}.`,
      );
    return res.redirect(303, '/admin/mail');
  }
}
