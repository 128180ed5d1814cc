import { WebhookSettings } from './webhook-settings';

describe('WebhookSettings.fromEnvironment', () => {
  it('refuses loopback unless WEBHOOKS_ALLOW_LOOPBACK turns it on', () => {
    expect(WebhookSettings.fromEnvironment({}).allowLoopback).toBe(false);
    expect(WebhookSettings.fromEnvironment({ WEBHOOKS_ALLOW_LOOPBACK: '' }).allowLoopback).toBe(false);
    expect(WebhookSettings.fromEnvironment({ WEBHOOKS_ALLOW_LOOPBACK: 'off' }).allowLoopback).toBe(false);
    expect(WebhookSettings.fromEnvironment({ WEBHOOKS_ALLOW_LOOPBACK: 'on' }).allowLoopback).toBe(true);
    expect(WebhookSettings.fromEnvironment({ WEBHOOKS_ALLOW_LOOPBACK: ' TRUE ' }).allowLoopback).toBe(true);
  });

  it('keeps the other defaults', () => {
    expect(WebhookSettings.fromEnvironment({ WEBHOOKS_ALLOW_LOOPBACK: 'on' })).toMatchObject({
      timeoutMs: 5000,
      maxAttempts: 8,
      backoffSeconds: 30,
      maxBackoffSeconds: 3600,
      batchSize: 25,
    });
  });

  it('names the variable when its value is not on or off', () => {
    expect(() => WebhookSettings.fromEnvironment({ WEBHOOKS_ALLOW_LOOPBACK: 'maybe' })).toThrow(
      'Invalid configuration: WEBHOOKS_ALLOW_LOOPBACK must be "on" or "off", got "maybe"',
    );
  });
});
