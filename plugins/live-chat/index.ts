import { definePlugin } from '../../src/platform/plugin-host/plugin-api';
import { PlgLiveChat0001Init } from './migrations/plg_live_chat_0001_init';
import { LiveChatModule } from './live-chat.module';
import { LiveChatWidget } from './live-chat.widget';

export default definePlugin({
  id: 'live-chat',
  name: 'Live chat',
  version: '1.0.0',
  apiVersion: 1,
  description: 'Signed-in people chat with an available agent; each chat is kept as a support ticket.',
  module: LiveChatModule,
  migrations: [{ name: 'plg_live_chat_0001_init', class: PlgLiveChat0001Init }],
  nav: [
    { label: 'Live chat', href: '/plugins/live-chat', icon: 'message-chatbot', roles: ['admin', 'member'] },
    { label: 'Live chat', href: '/plugins/live-chat/console', icon: 'headset', roles: ['helpdesk', 'operator'] },
  ],
  dashboardWidgets: [
    {
      id: 'status',
      title: 'Live chat',
      partial: 'plugins/live-chat/widget',
      roles: ['admin', 'member', 'helpdesk', 'operator'],
      data: LiveChatWidget,
    },
  ],
});
