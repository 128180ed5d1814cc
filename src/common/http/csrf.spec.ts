import type { Request, Response } from 'express';
import { createHmac } from 'node:crypto';
import { deriveKeyBytes } from '../security/keys';
import { createCsrf, csrfTokenFor } from './csrf';

describe('csrfTokenFor', () => {
  const appSecret = 'the-app-secret-of-this-test-0123456789';
  const csrf = createCsrf({ appSecret, secure: false });
  const request = (cookies: Record<string, string>, body: Record<string, string> = {}) =>
    ({ cookies, body, method: 'POST' }) as unknown as Request;
  const response = () => ({ cookie: jest.fn() });

  it('sets the cookie for a new token, and not again for a browser that holds it', () => {
    const first = response();
    const token = csrfTokenFor(csrf, request({ sd_session: 'jwt' }), first as unknown as Response);
    expect(first.cookie).toHaveBeenCalledWith('sd_csrf', token, expect.objectContaining({ httpOnly: true }));

    const again = response();
    expect(csrfTokenFor(csrf, request({ sd_session: 'jwt', sd_csrf: token }), again as unknown as Response)).toBe(
      token,
    );
    expect(again.cookie).not.toHaveBeenCalled();
    expect(csrf.validateRequest(request({ sd_session: 'jwt', sd_csrf: token }, { _csrf: token }))).toBe(true);
  });

  it('replaces a token bound to another session', () => {
    const old = csrfTokenFor(csrf, request({ sd_session: 'before-sign-in' }), response() as unknown as Response);
    const res = response();
    const token = csrfTokenFor(
      csrf,
      request({ sd_session: 'after-sign-in', sd_csrf: old }),
      res as unknown as Response,
    );
    expect(token).not.toBe(old);
    expect(res.cookie).toHaveBeenCalledWith('sd_csrf', token, expect.anything());
    expect(csrf.validateRequest(request({ sd_session: 'after-sign-in', sd_csrf: old }, { _csrf: old }))).toBe(false);
  });

  it('accepts tokens made before, with the key as its hex string', () => {
    const key = deriveKeyBytes(appSecret, 'csrf').toString('hex');
    const random = 'ab'.repeat(32);
    const token = `${createHmac('sha256', key).update(`3!jwt!${random.length}!${random}`).digest('hex')}.${random}`;
    expect(csrf.validateRequest(request({ sd_session: 'jwt', sd_csrf: token }, { _csrf: token }))).toBe(true);
  });
});
