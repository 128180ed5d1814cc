import { Body, Controller, Get, Post, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { FormView, Roles } from '../../common/http/decorators';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { CannedRepliesService } from './canned-replies.service';
import { CannedReplyDto } from './dto/canned-reply.dto';

const QUEUE = { label: 'Support queue', href: '/admin/support' };
const LIST = { label: 'Canned replies', href: '/admin/support/canned' };

function formPage(id?: string, title?: string) {
  const label = id ? `Edit ${title ?? 'canned reply'}` : 'New canned reply';
  return {
    title: label,
    breadcrumbs: [QUEUE, LIST, { label }],
    action: id ? `/admin/support/canned/${id}/edit` : '/admin/support/canned/new',
    cannedId: id,
  };
}

const refusedFormPage = (req: AppRequest) => formPage(typeof req.params?.id === 'string' ? req.params.id : undefined);

/** Canned replies: helpdesk and operators keep texts to insert into ticket replies. */
@Controller('admin/support/canned')
@Roles('helpdesk', 'operator')
export class CannedRepliesController {
  constructor(private readonly canned: CannedRepliesService) {}

  @Get()
  @Render('support/canned-index')
  async index() {
    return {
      title: 'Canned replies',
      breadcrumbs: [QUEUE, { label: 'Canned replies' }],
      rows: await this.canned.list(),
    };
  }

  @Get('new')
  @Render('support/canned-form')
  newReply() {
    return { ...formPage(), values: {} };
  }

  @Post('new')
  @FormView('support/canned-form', refusedFormPage)
  async create(@Body() body: CannedReplyDto, @Res() res: Response) {
    const row = await this.canned.create({ title: body.title, body: body.body });
    setFlash(res, 'success', `“${row.title}” was saved.`);
    return res.redirect(303, '/admin/support/canned');
  }

  @Get(':id/edit')
  @Render('support/canned-form')
  async edit(@UuidParam() id: string) {
    const row = await this.canned.get(id);
    return { ...formPage(id, row.title), values: row };
  }

  @Post(':id/edit')
  @FormView('support/canned-form', refusedFormPage)
  async update(@UuidParam() id: string, @Body() body: CannedReplyDto, @Res() res: Response) {
    const row = await this.canned.update(id, { title: body.title, body: body.body });
    setFlash(res, 'success', `“${row.title}” was saved.`);
    return res.redirect(303, '/admin/support/canned');
  }

  @Post(':id/delete')
  async remove(@UuidParam() id: string, @Res() res: Response) {
    const row = await this.canned.delete(id);
    setFlash(res, 'success', `“${row.title}” was deleted.`);
    return res.redirect(303, '/admin/support/canned');
  }
}
