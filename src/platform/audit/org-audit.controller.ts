import { Controller, Get, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { OrgScope, Roles } from '../../common/http/decorators';
import { toPage } from '../../common/pagination';
import { EntryId } from './audit.controller';
import { AuditLogService } from './audit-log.service';
import { AuditCsvEncoder, csvFilename, streamCsv } from './audit-csv';
import { auditPageRequest, parseAuditQuery } from './audit-query';
import { auditEntryView, auditIndexView, ORG_SCOPE } from './audit.view';

/**
 * Org admins: their organization's entries only. The organization always
 * comes from the session; an `org` (or any other) parameter is ignored.
 */
@Controller('org')
@Roles('admin')
export class OrgAuditController {
  constructor(
    private readonly audit: AuditLogService,
    private readonly clock: Clock,
  ) {}

  @Get('audit')
  @Render('audit/index')
  async index(
    @OrgScope() orgId: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parsed = parseAuditQuery(query);
    const knownActions = await this.audit.knownActions(orgId);
    if (!parsed.ok) {
      res.status(400);
      return auditIndexView(ORG_SCOPE, { ...parsed, knownActions });
    }
    const { request, after, before } = auditPageRequest(query);
    const rows = await this.audit.page(
      { ...parsed.filter, organizationId: orgId },
      { after, before, limit: request.limit, withOrganizationName: false },
    );
    const page = toPage(rows, request, (row) => [row.id]);
    return auditIndexView(ORG_SCOPE, { values: parsed.values, page, knownActions });
  }

  @Get('audit.csv')
  async csv(@OrgScope() orgId: string, @Query() query: Record<string, unknown>, @Res() res: Response) {
    const parsed = parseAuditQuery(query);
    if (!parsed.ok) {
      const view = auditIndexView(ORG_SCOPE, { ...parsed, knownActions: await this.audit.knownActions(orgId) });
      return res.status(400).render('audit/index', view);
    }
    const batches = this.audit.export({ ...parsed.filter, organizationId: orgId }, false);
    await streamCsv(res, csvFilename(this.clock.now()), new AuditCsvEncoder(false), batches);
  }

  @Get('audit/:id')
  @Render('audit/show')
  async show(@OrgScope() orgId: string, @EntryId() id: number) {
    return auditEntryView(await this.audit.get(id, orgId), ORG_SCOPE);
  }
}
