import { displayUrl, formUrl, webhookUrlProblem, withSavedSecrets } from './webhook-url';

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

  it('masks every query value, keeping the names', () => {
    expect(displayUrl('https://hooks.example.com/x?token=abc')).toBe('https://hooks.example.com/x?token=…');
    expect(displayUrl('https://hooks.example.com/x?token=abc&mode=full&token=def')).toBe(
      'https://hooks.example.com/x?token=…&mode=…&token=…',
    );
    expect(displayUrl('https://bot:hunter2@hooks.example.com/x?sig=a%3Db%26c')).toBe(
      'https://bot:***@hooks.example.com/x?sig=…',
    );
    // A bare part may be a token: all of it is masked; an empty value has nothing to hide.
    expect(displayUrl('https://hooks.example.com/x?s3cr3t&empty=&&k=v=w')).toBe(
      'https://hooks.example.com/x?…&empty=&&k=…',
    );
    expect(displayUrl('https://hooks.example.com/x?')).toBe('https://hooks.example.com/x?');
  });
});

describe('formUrl', () => {
  it('leaves out a password just typed, keeps the mask and everything else', () => {
    expect(formUrl('https://bot:hunter2@example.com/hook')).toBe('https://bot@example.com/hook');
    expect(formUrl('https://bot:***@example.com/hook')).toBe('https://bot:***@example.com/hook');
    // Query values just typed are left out too; masks stay.
    expect(formUrl('https://example.com/hook?a=1')).toBe('https://example.com/hook?a=');
    expect(formUrl('https://example.com/hook?a=…&b=2&s3cr3t&c=')).toBe('https://example.com/hook?a=…&b=&c=');
    expect(formUrl('https://example.com/hook?a=%E2%80%A6')).toBe('https://example.com/hook?a=…');
    expect(formUrl('https://bot:hunter2@exa mple.com/?token=abc')).toBe('https://bot@exa mple.com/?token=');
    expect(formUrl('not an address')).toBe('not an address');
    expect(formUrl('https://bot:hunter2@exa mple.com/')).toBe('https://bot@exa mple.com/');
    expect(formUrl(undefined)).toBeUndefined();
    expect(formUrl(['https://example.com'])).toBeUndefined();
  });
});

describe('withSavedSecrets', () => {
  const saved = 'https://bot:hunter2@example.com:8443/hook';

  it('puts the saved password back where the mask came back for the same user and host', () => {
    expect(withSavedSecrets('https://bot:***@example.com:8443/hook', saved)).toEqual({ url: saved });
    expect(withSavedSecrets('https://bot:***@example.com:8443/other?x=1', saved)).toEqual({
      url: 'https://bot:hunter2@example.com:8443/other?x=1',
    });
  });

  it('keeps an address without the mask as it was typed', () => {
    expect(withSavedSecrets('https://bot:new-pass@example.com/hook', saved)).toEqual({
      url: 'https://bot:new-pass@example.com/hook',
    });
    expect(withSavedSecrets('https://example.com/hook', saved)).toEqual({ url: 'https://example.com/hook' });
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
      expect(withSavedSecrets(url, saved)).toEqual({ problem: moved });
    }
    expect(withSavedSecrets('https://bot:***@example.com/hook', null)).toEqual({
      problem: 'Type the password in the address again.',
    });
    expect(withSavedSecrets('https://bot:***@example.com/hook', 'https://example.com/hook')).toEqual({
      problem: 'Type the password in the address again.',
    });
  });

  describe('query values', () => {
    const withToken = 'https://hooks.example.com/in?token=abc&mode=full&token=def';

    it('puts each saved value back where its mask came back, first for first', () => {
      expect(withSavedSecrets('https://hooks.example.com/in?token=…&mode=…&token=…', withToken)).toEqual({
        url: withToken,
      });
      // The form sends … percent-encoded, or as typed; the path may change, and other parts.
      expect(withSavedSecrets('https://hooks.example.com/v2?mode=fast&token=%E2%80%A6', withToken)).toEqual({
        url: 'https://hooks.example.com/v2?mode=fast&token=abc',
      });
      expect(withSavedSecrets('https://hooks.example.com/in?extra=1&…', 'https://hooks.example.com/in?s3cr3t')).toEqual(
        { url: 'https://hooks.example.com/in?extra=1&s3cr3t' },
      );
      expect(
        withSavedSecrets('https://bot:***@example.com:8443/hook?k=…', 'https://bot:hunter2@example.com:8443/hook?k=v'),
      ).toEqual({ url: 'https://bot:hunter2@example.com:8443/hook?k=v' });
    });

    it('has no saved value for a mask the saved address does not show, nor for a new endpoint', () => {
      const none = { problem: 'Type the value in the address again where it shows …: there is no saved one.' };
      expect(withSavedSecrets('https://hooks.example.com/in?key=…', withToken)).toEqual(none);
      expect(withSavedSecrets('https://hooks.example.com/in?token=…&token=…&token=…', withToken)).toEqual(none);
      expect(withSavedSecrets('https://hooks.example.com/in?token=…', null)).toEqual(none);
    });

    it('never carries a saved value to another host or user', () => {
      for (const url of [
        'https://evil.example.com/in?token=…',
        'http://hooks.example.com/in?token=…',
        'https://hooks.example.com:444/in?token=…',
        'https://someone@hooks.example.com/in?token=…',
      ]) {
        expect(withSavedSecrets(url, withToken)).toEqual({
          problem:
            'Type the values shown as … in the address again: the saved ones are kept only while the user name and host stay the same.',
        });
      }
    });
  });
});
