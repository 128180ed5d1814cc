import { Body, Controller, Get, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, FormView, Roles } from '../../common/http/decorators';
import { IntIdParam, UuidParam } from '../../common/http/id-params';
import type { AppRequest, Principal } from '../../common/http/principal';
import { pageLinks, pageRequest } from '../../common/pagination';
import { setFlash } from '../../common/view/flash';
import { ArticleDto } from './dto/article.dto';
import { KB_CATEGORIES, KbService, isStatus, isVisibility, type ArticleInput } from './kb.service';
import { formChoices, renderArticle, STATUS_LABELS, VISIBILITY_LABELS } from './kb.view';

const LIST = { label: 'Knowledge base', href: '/admin/kb' };

/** The article form's page: new, or editing the article with this id. */
function formPage(values: ArticleInput, id?: string, title?: string) {
  return {
    title: id ? `Edit ${title ?? 'article'}` : 'New article',
    breadcrumbs: [LIST, { label: id ? `Edit ${title ?? 'article'}` : 'New article' }],
    action: id ? `/admin/kb/${id}/edit` : '/admin/kb/new',
    editing: id !== undefined,
    articleId: id,
    ...formChoices(values),
  };
}

const refusedFormPage = (req: AppRequest) => {
  const id = typeof req.params?.id === 'string' ? req.params.id : undefined;
  return formPage((req.body ?? {}) as ArticleInput, id);
};

/** Helpdesk and operators write the knowledge base: articles, their revisions, publishing. */
@Controller('admin/kb')
@Roles('helpdesk', 'operator')
export class AdminKbController {
  constructor(private readonly kb: KbService) {}

  @Get()
  @Render('kb/admin-index')
  async index(@Query() query: Record<string, unknown>) {
    const status = isStatus(query.status) ? query.status : undefined;
    const visibility = isVisibility(query.visibility) ? query.visibility : undefined;
    const page = await this.kb.list({ status, visibility }, pageRequest(query, 2));
    return {
      title: 'Knowledge base',
      breadcrumbs: [{ label: 'Knowledge base' }],
      filtered: status !== undefined || visibility !== undefined,
      statusOptions: Object.entries(STATUS_LABELS).map(([value, label]) => ({
        value,
        label,
        selected: value === status,
      })),
      visibilityOptions: Object.entries(VISIBILITY_LABELS).map(([value, label]) => ({
        value,
        label,
        selected: value === visibility,
      })),
      rows: page.rows.map((row) => ({
        id: row.id,
        slug: row.slug,
        title: row.title,
        category: KB_CATEGORIES[row.category],
        statusLabel: STATUS_LABELS[row.status],
        draft: row.status === 'draft',
        visibilityLabel: VISIBILITY_LABELS[row.visibility],
        internal: row.visibility === 'internal',
        revision: row.revision,
        updatedAt: row.updatedAt,
        helpfulYes: row.helpfulYes,
        helpfulNo: row.helpfulNo,
      })),
      ...pageLinks('/admin/kb', { status, visibility }, page),
    };
  }

  @Get('new')
  @Render('kb/form')
  newArticle() {
    return { ...formPage({}), values: { visibility: 'public', status: 'draft' } };
  }

  @Post('new')
  @FormView('kb/form', refusedFormPage)
  async create(@Body() body: ArticleDto, @CurrentUser() user: Principal, @Res() res: Response) {
    const article = await this.kb.create(body, user.personId);
    setFlash(
      res,
      'success',
      article.status === 'published' ? `“${article.title}” was published.` : `“${article.title}” was saved as a draft.`,
    );
    return res.redirect(303, `/kb/${article.slug}`);
  }

  @Get(':id/edit')
  @Render('kb/form')
  async edit(@UuidParam() id: string) {
    const article = await this.kb.byId(id);
    return { ...formPage(article, id, article.title), values: article, slug: article.slug };
  }

  @Post(':id/edit')
  @FormView('kb/form', refusedFormPage)
  async update(
    @UuidParam() id: string,
    @Body() body: ArticleDto,
    @CurrentUser() user: Principal,
    @Res() res: Response,
  ) {
    const article = await this.kb.update(id, body, user.personId);
    setFlash(res, 'success', `“${article.title}” was saved as revision ${article.revision}.`);
    return res.redirect(303, `/kb/${article.slug}`);
  }

  @Get(':id/revisions')
  @Render('kb/revisions')
  async revisions(@UuidParam() id: string) {
    const { article, revisions } = await this.kb.revisions(id);
    return {
      title: `Revisions of ${article.title}`,
      breadcrumbs: [LIST, { label: article.title, href: `/kb/${article.slug}` }, { label: 'Revisions' }],
      article: { id: article.id, slug: article.slug, title: article.title, revision: article.revision },
      revisions: revisions.map((r) => ({ ...r, current: r.number === article.revision })),
    };
  }

  @Get(':id/revisions/:number')
  @Render('kb/revision')
  async revision(@UuidParam() id: string, @IntIdParam('number') number: number) {
    const { article, revision } = await this.kb.revision(id, number);
    return {
      title: `Revision ${revision.number} of ${article.title}`,
      breadcrumbs: [
        LIST,
        { label: article.title, href: `/kb/${article.slug}` },
        { label: 'Revisions', href: `/admin/kb/${article.id}/revisions` },
        { label: `Revision ${revision.number}` },
      ],
      article: { id: article.id, slug: article.slug },
      revision: { ...revision, html: renderArticle(revision.body), current: revision.number === article.revision },
    };
  }
}
