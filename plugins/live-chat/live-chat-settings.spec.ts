import { LiveChatSettings } from './live-chat-settings';

describe('LiveChatSettings.fromEnvironment', () => {
  it('keeps the defaults when nothing is set', () => {
    const settings = LiveChatSettings.fromEnvironment({});
    expect(settings.expireMinutes).toBe(10);
    expect(settings.maxStreams).toBe(5);
  });

  it('reads LIVE_CHAT_EXPIRE_MINUTES and LIVE_CHAT_MAX_STREAMS', () => {
    const settings = LiveChatSettings.fromEnvironment({ LIVE_CHAT_EXPIRE_MINUTES: '30', LIVE_CHAT_MAX_STREAMS: '2' });
    expect(settings.expireMinutes).toBe(30);
    expect(settings.maxStreams).toBe(2);
  });

  it.each([
    ['LIVE_CHAT_EXPIRE_MINUTES', '0'],
    ['LIVE_CHAT_EXPIRE_MINUTES', 'ten'],
    ['LIVE_CHAT_EXPIRE_MINUTES', '1441'],
    ['LIVE_CHAT_MAX_STREAMS', '-1'],
    ['LIVE_CHAT_MAX_STREAMS', '2.5'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => LiveChatSettings.fromEnvironment({ [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name} must be a whole number`),
    );
  });
});
