import { Body, Controller, Get, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  FormView,
  pageLinks,
  pageRequest,
  PluginSecrets,
  Roles,
  setFlash,
  UuidParam,
} from '../../src/platform/plugin-host/plugin-api';
import { CreateEndpointDto, EndpointDto } from './dto/endpoint.dto';
import { stashSecret, takeSecret } from './webhook-secret-reveal';
import { WebhookSettings } from './webhook-settings';
import { displayUrl, formUrl } from './webhook-url';
import { deliveryView, endpointRowView, endpointView, eventChoices } from './webhook.view';
import { WebhooksService } from './webhooks.service';

const BASE = '/plugins/webhooks';
const LIST = { label: 'Webhooks', href: BASE };

type Body = Record<string, unknown> | undefined;
const formLocals = (title: string, body: Body, defaults = { enabled: true }) => ({
  title,
  breadcrumbs: [LIST, { label: title }],
  eventChoices: eventChoices(body?.events),
  enabledChecked: body ? body.enabled === 'on' : defaults.enabled,
  // The address field's value: never a password or query value (a refused form's `values` would echo it).
  urlValue: formUrl(body?.url),
});
const editLocals = (id: string, body: Body) => ({ ...formLocals('Edit webhook endpoint', body), endpoint: { id } });

// A malformed id is as unknown as a missing one: 404, not 400.
const Id = (name = 'id') => UuidParam(name);

@Controller('plugins/webhooks')
@Roles('operator')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly secrets: PluginSecrets,
    private readonly settings: WebhookSettings,
  ) {}

  @Get()
  @Render('plugins/webhooks/index')
  async index(@Query() query: { after?: string; before?: string }) {
    const page = await this.webhooks.list(pageRequest(query, 2));
    return {
      title: 'Webhooks',
      breadcrumbs: [{ label: 'Webhooks' }],
      rows: page.rows.map(endpointRowView),
      ...pageLinks(BASE, {}, page),
    };
  }

  @Get('new')
  @Render('plugins/webhooks/new')
  new() {
    return { ...formLocals('New webhook endpoint', undefined), values: {} };
  }

  @Post()
  @FormView('plugins/webhooks/new', (req) => formLocals('New webhook endpoint', req.body as Body))
  async create(@Body() body: CreateEndpointDto, @Res() res: Response) {
    const { endpoint, secret } = await this.webhooks.create({
      url: body.url,
      events: body.events,
      enabled: body.enabled === 'on',
      secret: body.secret,
    });
    stashSecret(res, this.secrets, endpoint.id, secret);
    setFlash(res, 'success', 'Webhook endpoint created. Copy its secret now: it is shown only once.');
    return res.redirect(303, `${BASE}/${endpoint.id}`);
  }

  @Get(':id')
  @Render('plugins/webhooks/show')
  async show(
    @Id() id: string,
    @Query() query: { after?: string; before?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const endpoint = endpointView(await this.webhooks.get(id));
    const page = await this.webhooks.deliveryLog(id, pageRequest(query, 1));
    return {
      title: 'Webhook endpoint',
      breadcrumbs: [LIST, { label: endpoint.url }],
      endpoint,
      secret: takeSecret(req, res, this.secrets, id),
      deliveries: page.rows.map((row) => deliveryView(row, this.settings.maxAttempts)),
      ...pageLinks(`${BASE}/${id}`, {}, page),
    };
  }

  @Get(':id/edit')
  @Render('plugins/webhooks/edit')
  async edit(@Id() id: string) {
    const endpoint = await this.webhooks.get(id);
    // The password shows as ***, query values as …; sent back unchanged, the saved ones are kept (WebhooksService).
    return {
      ...editLocals(id, { events: endpoint.events, enabled: endpoint.enabled ? 'on' : undefined }),
      urlValue: displayUrl(endpoint.url),
    };
  }

  @Post(':id')
  @FormView('plugins/webhooks/edit', (req) => editLocals(String(req.params.id), req.body as Body))
  async update(@Id() id: string, @Body() body: EndpointDto, @Res() res: Response) {
    await this.webhooks.update(id, { url: body.url, events: body.events, enabled: body.enabled === 'on' });
    setFlash(res, 'success', 'Webhook endpoint saved.');
    return res.redirect(303, `${BASE}/${id}`);
  }

  @Get(':id/delete')
  @Render('plugins/webhooks/delete')
  async confirmDelete(@Id() id: string) {
    const endpoint = endpointView(await this.webhooks.get(id));
    return { title: 'Delete webhook endpoint', breadcrumbs: [LIST, { label: 'Delete endpoint' }], endpoint };
  }

  @Post(':id/delete')
  async destroy(@Id() id: string, @Res() res: Response) {
    const endpoint = await this.webhooks.remove(id);
    setFlash(res, 'success', `Webhook endpoint ${endpointView(endpoint).url} deleted.`);
    return res.redirect(303, BASE);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  async redeliver(@Id() id: string, @Id('deliveryId') deliveryId: string, @Res() res: Response) {
    await this.webhooks.redeliver(id, deliveryId);
    setFlash(res, 'success', 'The event is being sent again as a new delivery.');
    return res.redirect(303, `${BASE}/${id}`);
  }
}
