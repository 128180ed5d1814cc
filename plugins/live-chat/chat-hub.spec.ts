import { RateLimited } from '../../src/platform/plugin-host/plugin-api';
import { ChatHub } from './chat-hub';
import { LiveChatSettings } from './live-chat-settings';

describe('ChatHub', () => {
  const settings = () => Object.assign(new LiveChatSettings(), { maxStreams: 2, maxPosts: 3, postWindowSeconds: 10 });

  it('caps the open streams per person and counts agents as connected while theirs are open', () => {
    const hub = new ChatHub(settings());
    const first = hub.openStream('agent-1', true, () => undefined);
    hub.openStream('agent-1', true, () => undefined);
    expect(() => hub.openStream('agent-1', true, () => undefined)).toThrow(RateLimited);
    expect(hub.openStream('member-1', false, () => undefined)).toEqual(expect.any(Function));
    expect(hub.connectedAgents()).toEqual(['agent-1']);
    first();
    first(); // releasing twice counts once
    expect(hub.connectedAgents()).toEqual(['agent-1']);
    expect(hub.openStream('agent-1', true, () => undefined)).toEqual(expect.any(Function));
  });

  it('refuses the post over the limit within the window, and takes posts again after it', () => {
    const hub = new ChatHub(settings());
    for (let i = 0; i < 3; i++) hub.countPost('p', 1_000 + i);
    expect(() => hub.countPost('p', 1_500)).toThrow(RateLimited);
    expect(() => hub.countPost('other', 1_500)).not.toThrow();
    expect(() => hub.countPost('p', 11_001)).not.toThrow();
  });

  it('delivers to the chat’s listeners until they unsubscribe, and closes every stream when the app stops', () => {
    const hub = new ChatHub(settings());
    const heard: string[] = [];
    const stop = hub.subscribe('c1', (event) => heard.push(event.type));
    hub.subscribe('c2', () => heard.push('wrong chat'));
    hub.publish('c1', { type: 'status', status: 'active' });
    stop();
    hub.publish('c1', { type: 'status', status: 'ended' });
    expect(heard).toEqual(['status']);

    const closed: string[] = [];
    hub.openStream('a', false, () => closed.push('a'));
    hub.openStream('b', true, () => closed.push('b'));
    hub.onModuleDestroy();
    expect(closed).toEqual(['a', 'b']);
  });
});
