export const WEBHOOKS_PLUGIN_ID = 'webhooks';
