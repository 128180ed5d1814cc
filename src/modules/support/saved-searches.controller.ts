import { Body, Controller, Get, Injectable, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, FormView, Roles } from '../../common/http/decorators';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import { OrganizationsService } from '../organizations/organizations.service';
import { PeopleService } from '../people/people.service';
import { SavedSearchDto } from './dto/queue.dto';
import { cleanQueueSearch, parseQueue, queueHref, VIEW_LABELS, type QueueQuery } from './queue-query';
import { SavedSearchesService } from './saved-searches.service';
import { CATEGORY_LABELS, STATUS_LABELS } from './support.view';
import type { Category, QueueView, TicketStatus } from './tickets.repository';

const QUEUE = { label: 'Support queue', href: '/admin/support' };
const LIST = { label: 'Saved searches', href: '/admin/support/searches' };

/** What a saved search's filters mean, in words ("Waiting on me · P1 · Billing"). */
@Injectable()
export class SavedSearchWords {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly people: PeopleService,
  ) {}

  async describe(user: Principal, search: string): Promise<string> {
    const { kept } = parseQueue(Object.fromEntries(new URLSearchParams(search)), user);
    const words: string[] = [];
    if (kept.view) words.push(VIEW_LABELS[kept.view as QueueView]);
    if (kept.status) words.push(STATUS_LABELS[kept.status as TicketStatus]);
    if (kept.priority) words.push(kept.priority);
    if (kept.category) words.push(CATEGORY_LABELS[kept.category as Category]);
    if (kept.organization) words.push((await this.organizations.nameOf(kept.organization)) ?? 'An organization');
    if (kept.assignee === 'mine') words.push('Assigned to me');
    else if (kept.assignee === 'unassigned') words.push('Unassigned');
    else if (kept.assignee) words.push(`Assigned to ${(await this.people.findById(kept.assignee))?.name ?? 'someone'}`);
    return words.length ? words.join(' · ') : 'All tickets';
  }
}

/**
 * Saved searches of the helpdesk queue (`/admin/support/searches`). Listed
 * before AdminSupportController in the module, whose `/admin/support/:id`
 * would take `searches` for an id.
 */
@Controller('admin/support/searches')
@Roles('helpdesk', 'operator')
export class SavedSearchesController {
  constructor(
    private readonly searches: SavedSearchesService,
    private readonly words: SavedSearchWords,
  ) {}

  @Get()
  @Render('support/searches-index')
  async index(@CurrentUser() user: Principal) {
    const rows = await this.searches.list(user);
    return {
      title: 'Saved searches',
      breadcrumbs: [QUEUE, { label: 'Saved searches' }],
      rows: await Promise.all(
        rows.map(async (row) => ({
          ...row,
          href: queueHref(row.query),
          mine: row.ownerId === user.personId,
          description: await this.words.describe(user, row.query),
        })),
      ),
    };
  }

  /** The form saving the queue's current filters (the query string it was opened with). */
  @Get('new')
  @Render('support/searches-form')
  async newSearch(@CurrentUser() user: Principal, @Query() query: QueueQuery) {
    const search = cleanQueueSearch(new URLSearchParams(stringsOf(query)).toString(), user, false);
    return { ...(await this.formPage(user, undefined, search)), values: { query: search } };
  }

  @Post('new')
  @FormView('support/searches-form', (req: AppRequest) => refusedPage(req))
  async create(@CurrentUser() user: Principal, @Body() body: SavedSearchDto, @Res() res: Response) {
    const search = cleanQueueSearch(body.query, user, false);
    const row = await this.searches.create(user, { name: body.name, shared: body.shared === true }, search);
    setFlash(res, 'success', `“${row.name}” was saved${row.shared ? ' and shared with the staff' : ''}.`);
    return res.redirect(303, queueHref(search));
  }

  @Get(':id/edit')
  @Render('support/searches-form')
  async edit(@CurrentUser() user: Principal, @UuidParam() id: string) {
    const row = await this.searches.own(user, id);
    return { ...(await this.formPage(user, id, row.query)), values: { name: row.name, shared: row.shared } };
  }

  @Post(':id/edit')
  @FormView('support/searches-form', (req: AppRequest) => refusedPage(req))
  async update(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() body: SavedSearchDto,
    @Res() res: Response,
  ) {
    const row = await this.searches.update(user, id, { name: body.name, shared: body.shared === true });
    setFlash(res, 'success', `“${row.name}” was saved.`);
    return res.redirect(303, '/admin/support/searches');
  }

  @Post(':id/delete')
  async remove(@CurrentUser() user: Principal, @UuidParam() id: string, @Res() res: Response) {
    const row = await this.searches.delete(user, id);
    setFlash(res, 'success', `“${row.name}” was deleted.`);
    return res.redirect(303, '/admin/support/searches');
  }

  private async formPage(user: Principal, id: string | undefined, search: string) {
    return {
      ...formPage(id),
      description: await this.words.describe(user, search),
      queueHref: queueHref(search),
    };
  }
}

function formPage(id?: string) {
  const label = id ? 'Edit saved search' : 'Save this search';
  return {
    title: label,
    breadcrumbs: [QUEUE, LIST, { label }],
    action: id ? `/admin/support/searches/${id}/edit` : '/admin/support/searches/new',
    searchId: id,
  };
}

/** Around a refused form: the same page, its filters carried on in the hidden field. */
function refusedPage(req: AppRequest) {
  const id = typeof req.params?.id === 'string' ? req.params.id : undefined;
  return formPage(id);
}

const stringsOf = (query: QueueQuery) =>
  Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
