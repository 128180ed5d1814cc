import { ArgumentsHost, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { CsrfUtilities } from './csrf';
import { FormError, RedirectException } from './exceptions';
import { HttpExceptionFilter } from './http-exception.filter';

function host(path: string, extra: Record<string, unknown> = {}) {
  const res = {
    headersSent: false,
    locals: {} as Record<string, unknown>,
    statusCode: 200,
    rendered: null as null | { view: string; locals: Record<string, unknown> },
    json: jest.fn(),
    redirect: jest.fn(),
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    render(view: string, locals: Record<string, unknown>) {
      this.rendered = { view, locals };
    },
  };
  const req = { path, originalUrl: path, method: 'GET', cookies: {}, body: {}, ...extra };
  const args = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ArgumentsHost;
  return { args, res };
}

describe('HttpExceptionFilter', () => {
  const csrf = { generateCsrfToken: () => 'token' } as unknown as CsrfUtilities;
  const filter = new HttpExceptionFilter(csrf);
  jest.spyOn(filter['logger'], 'error').mockImplementation(() => undefined);

  it('turns an unexpected error into a 500 page without its message or stack', () => {
    const { args, res } = host('/dashboard');
    filter.catch(new Error('SQLITE_CORRUPT: secret details at /srv/x.ts:12'), args);
    expect(res.statusCode).toBe(500);
    expect(res.rendered!.view).toBe('errors/error');
    expect(JSON.stringify(res.rendered!.locals)).not.toMatch(/SQLITE|secret|x\.ts/);
    expect(res.rendered!.locals.heading).toBe('Something went wrong on our side');
  });

  it('answers JSON under /api with statusCode, error and message', () => {
    const { args, res } = host('/api/v1/things');
    filter.catch(new Error('boom'), args);
    expect(res.json).toHaveBeenCalledWith({
      statusCode: 500,
      error: 'Internal server error',
      message: 'Something went wrong on our side',
    });
  });

  it('keeps messages written for people, hides framework defaults', () => {
    const forbidden = host('/admin/organizations');
    filter.catch(new ForbiddenException('You do not have access to this page.'), forbidden.args);
    expect(forbidden.res.rendered!.locals.message).toBe('You do not have access to this page.');
    const missing = host('/nope');
    filter.catch(new NotFoundException('Cannot GET /nope'), missing.args);
    expect(missing.res.rendered!.locals.message).toBe(
      'The page you asked for does not exist, or it is not yours to see.',
    );
  });

  it('re-renders the form view with 400, the messages and the input minus secrets', () => {
    const { args, res } = host('/setup', {
      method: 'POST',
      formView: 'setup/index',
      formLocals: { title: 'Set up SeatDesk' },
      body: { email: 'a@b', password: 'hunter2-hunter2', _csrf: 'x', orgName: 'Acme' },
    });
    filter.catch(new FormError({ email: 'Enter an email address.' }), args);
    expect(res.statusCode).toBe(400);
    expect(res.rendered).toEqual({
      view: 'setup/index',
      locals: {
        title: 'Set up SeatDesk',
        values: { email: 'a@b', orgName: 'Acme' },
        errors: { email: 'Enter an email address.' },
        errorList: [{ field: 'email', message: 'Enter an email address.' }],
      },
    });
  });

  it('redirects for RedirectException', () => {
    const { args, res } = host('/dashboard');
    filter.catch(new RedirectException('/login'), args);
    expect(res.redirect).toHaveBeenCalledWith(303, '/login');
  });
});
