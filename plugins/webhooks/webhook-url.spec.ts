import { displayUrl, webhookUrlProblem } from './webhook-url';

describe('webhookUrlProblem', () => {
  it.each(['https://hooks.example.com/seatdesk', 'http://10.0.0.5:8080/in?src=seatdesk', ' https://example.com '])(
    'accepts %s',
    (url) => expect(webhookUrlProblem(url)).toBeNull(),
  );

  it.each([
    ['ftp://example.com/x', 'Only http:// and https:// addresses can receive webhooks.'],
    ['javascript:alert(1)', 'Only http:// and https:// addresses can receive webhooks.'],
    ['file:///etc/passwd', 'Only http:// and https:// addresses can receive webhooks.'],
    ['example.com/hook', 'Enter a full address that starts with https:// or http://.'],
    ['https://example.com/hook#part', 'Remove the #fragment: it is never sent to the server.'],
    ['', 'Enter the address SeatDesk should send events to.'],
    [undefined, 'Enter the address SeatDesk should send events to.'],
    [`https://example.com/${'a'.repeat(2000)}`, 'Use an address of at most 2,000 characters.'],
  ])('refuses %s', (url, message) => expect(webhookUrlProblem(url)).toBe(message));
});

describe('displayUrl', () => {
  it('masks a password in the address', () => {
    expect(displayUrl('https://bot:hunter2@example.com/hook')).toBe('https://bot:***@example.com/hook');
    expect(displayUrl('https://example.com/hook')).toBe('https://example.com/hook');
  });
});
