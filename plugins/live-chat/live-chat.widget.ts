import { Injectable } from '@nestjs/common';
import type { Principal, PluginWidgetData } from '../../src/platform/plugin-host/plugin-api';
import { isAgent, LiveChatService } from './live-chat.service';
import { BASE } from './live-chat.view';

/** The dashboard's "Live chat" card: open or closed for members and admins, the queue for agents. */
@Injectable()
export class LiveChatWidget implements PluginWidgetData {
  constructor(private readonly chats: LiveChatService) {}

  async load(user: Principal): Promise<Record<string, unknown>> {
    if (isAgent(user)) {
      const [waiting, available] = await Promise.all([this.chats.waitingCount(), this.chats.isAvailable(user)]);
      return { agent: true, waiting, available, href: `${BASE}/console` };
    }
    const { agents, current } = await this.chats.lobby(user);
    return {
      agent: false,
      open: agents > 0,
      agents,
      href: current ? `${BASE}/chats/${current.id}` : BASE,
      current: current !== null,
    };
  }
}
