import { displayUrl, formUrl, webhookUrlProblem, withSavedPassword } from './webhook-url';

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

describe('formUrl', () => {
  it('leaves out a password just typed, keeps the mask and everything else', () => {
    expect(formUrl('https://bot:hunter2@example.com/hook')).toBe('https://bot@example.com/hook');
    expect(formUrl('https://bot:***@example.com/hook')).toBe('https://bot:***@example.com/hook');
    expect(formUrl('https://example.com/hook?a=1')).toBe('https://example.com/hook?a=1');
    expect(formUrl('not an address')).toBe('not an address');
    expect(formUrl('https://bot:hunter2@exa mple.com/')).toBe('https://bot@exa mple.com/');
    expect(formUrl(undefined)).toBeUndefined();
    expect(formUrl(['https://example.com'])).toBeUndefined();
  });
});

describe('withSavedPassword', () => {
  const saved = 'https://bot:hunter2@example.com:8443/hook';

  it('puts the saved password back where the mask came back for the same user and host', () => {
    expect(withSavedPassword('https://bot:***@example.com:8443/hook', saved)).toEqual({ url: saved });
    expect(withSavedPassword('https://bot:***@example.com:8443/other?x=1', saved)).toEqual({
      url: 'https://bot:hunter2@example.com:8443/other?x=1',
    });
  });

  it('keeps an address without the mask as it was typed', () => {
    expect(withSavedPassword('https://bot:new-pass@example.com/hook', saved)).toEqual({
      url: 'https://bot:new-pass@example.com/hook',
    });
    expect(withSavedPassword('https://example.com/hook', saved)).toEqual({ url: 'https://example.com/hook' });
  });

  it('never sends the saved password elsewhere, and has none to give a new endpoint', () => {
    const moved =
      'Type the password in the address again: the saved one is kept only while the user name and host stay the same.';
    for (const url of [
      'https://bot:***@elsewhere.example.com:8443/hook',
      'https://admin:***@example.com:8443/hook',
      'https://bot:***@example.com/hook',
      'http://bot:***@example.com:8443/hook',
    ]) {
      expect(withSavedPassword(url, saved)).toEqual({ problem: moved });
    }
    expect(withSavedPassword('https://bot:***@example.com/hook', null)).toEqual({
      problem: 'Type the password in the address again.',
    });
    expect(withSavedPassword('https://bot:***@example.com/hook', 'https://example.com/hook')).toEqual({
      problem: 'Type the password in the address again.',
    });
  });
});
