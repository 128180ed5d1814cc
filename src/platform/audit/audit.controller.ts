import { Controller, Get, Query, Render, Res } from '@nestjs/common';
import { IntIdParam } from '../../common/http/id-params';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import { Roles } from '../../common/http/decorators';
import { toPage } from '../../common/pagination';
import { AuditLogService } from './audit-log.service';
import { AuditCsvEncoder, csvFilename, streamCsv } from './audit-csv';
import { auditPageRequest, parseAuditQuery } from './audit-query';
import { ADMIN_SCOPE, auditEntryView, auditIndexView } from './audit.view';

// A malformed id is as unknown as a missing one: 404, not 400.
export const EntryId = () => IntIdParam();

/** Operators: the whole audit log, every organization and the system's own entries. */
@Controller('admin')
@Roles('operator')
export class AuditController {
  constructor(
    private readonly audit: AuditLogService,
    private readonly clock: Clock,
  ) {}

  @Get('audit')
  @Render('audit/index')
  async index(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    const parsed = parseAuditQuery(query);
    const knownActions = await this.audit.knownActions();
    if (!parsed.ok) {
      res.status(400);
      return auditIndexView(ADMIN_SCOPE, { ...parsed, knownActions });
    }
    const { request, after, before } = auditPageRequest(query);
    const rows = await this.audit.page(parsed.filter, {
      after,
      before,
      limit: request.limit,
      withOrganizationName: true,
    });
    const page = toPage(rows, request, (row) => [row.id]);
    return auditIndexView(ADMIN_SCOPE, { values: parsed.values, page, knownActions });
  }

  @Get('audit.csv')
  async csv(@Query() query: Record<string, unknown>, @Res() res: Response) {
    const parsed = parseAuditQuery(query);
    if (!parsed.ok) {
      const view = auditIndexView(ADMIN_SCOPE, { ...parsed, knownActions: await this.audit.knownActions() });
      return res.status(400).render('audit/index', view);
    }
    const encoder = new AuditCsvEncoder(true);
    await streamCsv(res, csvFilename(this.clock.now()), encoder, this.audit.export(parsed.filter, true));
  }

  @Get('audit/:id')
  @Render('audit/show')
  async show(@EntryId() id: number) {
    return auditEntryView(await this.audit.get(id), ADMIN_SCOPE);
  }
}
