import { Body, Controller, Get, Post, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CurrentUser,
  FormView,
  Roles,
  setFlash,
  UuidParam,
  type Principal,
} from '../../src/platform/plugin-host/plugin-api';
import { ChatHub } from './chat-hub';
import { AvailabilityDto, ChatMessageDto, EndChatDto, StartChatDto } from './dto/chat.dto';
import { EventStream, lastEventId } from './event-stream';
import { LiveChatSettings } from './live-chat-settings';
import { AGENT_ROLES, CUSTOMER_ROLES, isAgent, LiveChatService } from './live-chat.service';
import { BASE, chatView, messageView } from './live-chat.view';

const LOBBY = { label: 'Live chat', href: BASE };
const CONSOLE = { label: 'Live chat console', href: `${BASE}/console` };
const ALL_ROLES = [...AGENT_ROLES, ...CUSTOMER_ROLES];

// The page script ships in the plugin folder (public/ is not compiled: from dist/, read the source folder's).
function readScript(): string {
  const candidates = [
    join(__dirname, 'public', 'chat.js'),
    join(__dirname, '..', '..', '..', 'plugins', 'live-chat', 'public', 'chat.js'),
  ];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error('live-chat: public/chat.js is missing from the plugin folder');
  return readFileSync(found, 'utf8');
}

const lobbyLocals = () => ({ title: 'Live chat', breadcrumbs: [{ label: 'Live chat' }], open: true });

@Controller('plugins/live-chat')
export class LiveChatController {
  private readonly script = readScript();

  constructor(
    private readonly chats: LiveChatService,
    private readonly hub: ChatHub,
    private readonly settings: LiveChatSettings,
  ) {}

  /** The chat window's script: from 'self', as the Content-Security-Policy asks. */
  @Get('chat.js')
  @Roles(...ALL_ROLES)
  serveScript(@Res() res: Response) {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.send(this.script);
  }

  @Get()
  @Roles(...CUSTOMER_ROLES)
  @Render('plugins/live-chat/index')
  async lobby(@CurrentUser() user: Principal) {
    const { agents, current } = await this.chats.lobby(user);
    return {
      ...lobbyLocals(),
      open: agents > 0,
      agents,
      current: current ? chatView(current, user) : null,
      values: {},
      maxLength: this.settings.maxMessageLength,
    };
  }

  @Post('chats')
  @Roles(...CUSTOMER_ROLES)
  @FormView('plugins/live-chat/index', lobbyLocals)
  async start(@CurrentUser() user: Principal, @Body() body: StartChatDto, @Res() res: Response) {
    const chat = await this.chats.start(user, body.topic, body.body);
    setFlash(res, 'success', 'Your chat has started: an agent will be with you shortly.');
    return res.redirect(303, `${BASE}/chats/${chat.id}`);
  }

  @Get('chats/:id')
  @Roles(...ALL_ROLES)
  @Render('plugins/live-chat/chat')
  async show(@CurrentUser() user: Principal, @UuidParam() id: string) {
    const { chat, messages } = await this.chats.view(user, id);
    const view = chatView(chat, user);
    return {
      title: chat.topic,
      breadcrumbs: [isAgent(user) ? CONSOLE : LOBBY, { label: chat.topic }],
      chat: view,
      messages: messages.map(messageView),
      lastSeq: messages.at(-1)?.seq ?? 0,
      maxLength: this.settings.maxMessageLength,
    };
  }

  /** The chat's messages as they are written (Server-Sent Events); `Last-Event-ID` resumes after the last one seen. */
  @Get('chats/:id/events')
  @Roles(...ALL_ROLES)
  async events(@CurrentUser() user: Principal, @UuidParam() id: string, @Req() req: Request, @Res() res: Response) {
    // An ended chat has nothing more to say: 204 tells the browser not to reconnect.
    if ((await this.chats.visible(user, id)).status === 'ended') return res.status(204).end();
    let stream: EventStream | null = null;
    const release = this.hub.openStream(user.personId, isAgent(user), () => stream?.close());
    stream = new EventStream(res);
    stream.onClose(release);
    const live = stream;
    let sent = lastEventId(req);
    let replaying = true;
    const held: ReturnType<typeof messageView>[] = [];
    const send = (message: ReturnType<typeof messageView>) => {
      if (message.seq <= sent) return;
      sent = message.seq;
      live.send('message', message, message.seq);
    };
    // Listen first, then replay what was missed: a message written in between is held, never lost or sent twice.
    live.onClose(
      this.hub.subscribe(id, (event) => {
        if (event.type === 'status') live.send('status', { status: event.status });
        else if (replaying) held.push(messageView(event.message));
        else send(messageView(event.message));
      }),
    );
    for (const message of await this.chats.messagesAfter(id, sent)) send(messageView(message));
    replaying = false;
    held.splice(0).forEach(send);
    await this.chats.seen(user, id);
    live.closeAfter(this.settings.streamMaxSeconds);
    live.every(this.settings.keepAliveSeconds, () => {
      live.comment('keep-alive');
      void this.chats.seen(user, id).catch(() => undefined);
    });
  }

  @Post('chats/:id/messages')
  @Roles(...ALL_ROLES)
  async post(
    @CurrentUser() user: Principal,
    @UuidParam() id: string,
    @Body() body: ChatMessageDto,
    @Res() res: Response,
  ) {
    await this.chats.post(user, id, body.body);
    return res.redirect(303, `${BASE}/chats/${id}`);
  }

  @Post('chats/:id/take')
  @Roles(...AGENT_ROLES)
  async take(@CurrentUser() user: Principal, @UuidParam() id: string, @Res() res: Response) {
    await this.chats.take(user, id);
    setFlash(res, 'success', 'You took the chat: the person sees you have joined.');
    return res.redirect(303, `${BASE}/chats/${id}`);
  }

  @Post('chats/:id/end')
  @Roles(...ALL_ROLES)
  async end(@CurrentUser() user: Principal, @UuidParam() id: string, @Body() body: EndChatDto, @Res() res: Response) {
    await this.chats.end(user, id, { resolved: body.resolved === 'on' });
    setFlash(res, 'success', 'The chat has ended; its transcript is saved as a support ticket.');
    return res.redirect(303, `${BASE}/chats/${id}`);
  }

  @Get('console')
  @Roles(...AGENT_ROLES)
  @Render('plugins/live-chat/console')
  async console(@CurrentUser() user: Principal) {
    const state = await this.chats.console(user);
    return {
      title: 'Live chat console',
      breadcrumbs: [{ label: 'Live chat console' }],
      available: state.available,
      agents: state.agents,
      waiting: state.waiting.map((chat) => chatView(chat, user)),
      mine: state.mine.map((chat) => chatView(chat, user)),
      ended: state.ended.map((chat) => chatView(chat, user)),
    };
  }

  @Post('console/availability')
  @Roles(...AGENT_ROLES)
  async availability(@CurrentUser() user: Principal, @Body() body: AvailabilityDto, @Res() res: Response) {
    const available = body.available === 'on';
    await this.chats.setAvailability(user, available);
    setFlash(
      res,
      'success',
      available ? 'You are available for chat while this console is open.' : 'You are away: no new chats wait for you.',
    );
    return res.redirect(303, `${BASE}/console`);
  }

  /** The queue changed (a chat started, was taken or ended): the console shows it again. Also the agent's presence. */
  @Get('console/events')
  @Roles(...AGENT_ROLES)
  async consoleEvents(@CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response) {
    let stream: EventStream | null = null;
    const release = this.hub.openStream(user.personId, true, () => stream?.close());
    stream = new EventStream(res);
    stream.onClose(release);
    const live = stream;
    live.onClose(this.hub.subscribeConsole(() => live.send('queue', {})));
    await this.chats.seen(user, null);
    live.closeAfter(this.settings.streamMaxSeconds);
    live.every(this.settings.keepAliveSeconds, () => {
      live.comment('keep-alive');
      void this.chats.seen(user, null).catch(() => undefined);
    });
  }
}
