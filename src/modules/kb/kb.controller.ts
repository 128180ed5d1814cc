import { Body, Controller, Get, Inject, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { APP_CONFIG } from '../../common/config.module';
import { cookieName } from '../../common/http/cookies';
import { Public } from '../../common/http/decorators';
import type { AppRequest } from '../../common/http/principal';
import { setFlash } from '../../common/view/flash';
import type { AppConfig } from '../../config/app.config';
import { HelpfulDto } from './dto/article.dto';
import { KB_CATEGORIES, KbService, isKbStaff, type Reader } from './kb.service';
import { categoryGroups, hitView, renderArticle, STATUS_LABELS, VISIBILITY_LABELS } from './kb.view';

const KB = { label: 'Help', href: '/kb' };
const MAX_QUERY = 200;

/**
 * The knowledge base as its readers see it: public published articles for
 * everyone, without signing in; internal ones and drafts for helpdesk and
 * operators only (for anyone else they do not exist: 404).
 */
@Controller('kb')
@Public()
export class KbController {
  private readonly csrfCookie: string;

  constructor(
    private readonly kb: KbService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.csrfCookie = cookieName('sd_csrf', config.secure);
  }

  @Get()
  @Render('kb/index')
  async index(@Req() req: AppRequest, @Query('q') q: unknown) {
    const reader = this.reader(req);
    const query = typeof q === 'string' ? q.trim().slice(0, MAX_QUERY) : '';
    const base = { title: 'Help', breadcrumbs: [{ label: 'Help' }], q: query, signedIn: reader !== undefined };
    if (query !== '') {
      const hits = await this.kb.search(query, reader);
      return { ...base, searched: true, results: hits.map(hitView) };
    }
    return { ...base, searched: false, groups: categoryGroups(await this.kb.published(reader)) };
  }

  @Get(':slug')
  @Render('kb/show')
  async show(@Req() req: AppRequest, @Param('slug') slug: string) {
    const reader = this.reader(req);
    const article = await this.kb.article(slug, reader);
    const staff = isKbStaff(reader);
    const voter = this.voter(req);
    return {
      title: article.title,
      breadcrumbs: [KB, { label: article.title }],
      article: {
        slug: article.slug,
        title: article.title,
        category: KB_CATEGORIES[article.category],
        html: renderArticle(article.body),
        updatedAt: article.updatedAt,
        internal: article.visibility === 'internal',
        draft: article.status === 'draft',
        visibilityLabel: VISIBILITY_LABELS[article.visibility],
        statusLabel: STATUS_LABELS[article.status],
        helpfulYes: article.helpfulYes,
        helpfulNo: article.helpfulNo,
      },
      voted: voter !== null && (await this.kb.hasVoted(article.id, voter)),
      staff,
      editHref: staff ? `/admin/kb/${article.id}/edit` : null,
      revisionsHref: staff ? `/admin/kb/${article.id}/revisions` : null,
      related: await this.kb.related(article, reader),
    };
  }

  @Post(':slug/helpful')
  async helpful(@Req() req: AppRequest, @Param('slug') slug: string, @Body() body: HelpfulDto, @Res() res: Response) {
    const voter = this.voter(req);
    const counted = voter !== null && (await this.kb.vote(slug, this.reader(req), voter, body.helpful === 'yes'));
    setFlash(res, 'success', counted ? 'Thank you for your answer.' : 'You answered for this article already.');
    return res.redirect(303, `/kb/${encodeURIComponent(slug)}`);
  }

  /** A session that has not finished signing in reads as nobody signed in. */
  private reader(req: AppRequest): Reader {
    return req.user?.stage === 'active' ? req.user : undefined;
  }

  /**
   * Who answers "was this helpful?": the session when signed in, else the
   * browser's CSRF cookie (a session of its own), never stored as it is.
   */
  private voter(req: AppRequest): string | null {
    const key = req.user ? `session:${req.user.sessionId}` : (req.cookies?.[this.csrfCookie] as string | undefined);
    if (!key) return null;
    return createHash('sha256').update(key).digest('base64url');
  }
}
