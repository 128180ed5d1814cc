import { ArgumentsHost, BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import {
  AppError,
  Conflict,
  Forbidden,
  InputRefused,
  NotFound,
  RateLimited,
  Unauthenticated,
} from '../errors/app-error';
import type { CsrfUtilities } from './csrf';
import { RedirectException } from './exceptions';
import { HttpExceptionFilter } from './http-exception.filter';
import { driverError } from '../../../test/utils/driver-error';

function host(path: string, extra: Record<string, unknown> = {}) {
  const res = {
    headersSent: false,
    locals: {} as Record<string, unknown>,
    headers: {} as Record<string, string>,
    statusCode: 200,
    rendered: null as null | { view: string; locals: Record<string, unknown> },
    json: jest.fn(),
    redirect: jest.fn(),
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
    render(view: string, locals: Record<string, unknown>) {
      this.rendered = { view, locals };
    },
  };
  const req = { path, originalUrl: path, method: 'GET', cookies: {}, body: {}, is: () => false, ...extra };
  const args = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ArgumentsHost;
  return { args, res };
}

// A form handler: the view to show again and its own locals (what @FormView sets).
const form = (extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  formView: 'things/edit',
  formLocals: { title: 'Edit thing' },
  body: { name: 'Widget', password: 'hunter2-hunter2', _csrf: 'x' },
  ...extra,
});

describe('HttpExceptionFilter', () => {
  const csrf = { generateCsrfToken: () => 'token' } as unknown as CsrfUtilities;
  const filter = new HttpExceptionFilter(csrf);
  const logged = jest.spyOn(filter['logger'], 'error').mockImplementation(() => undefined);

  const page = (path: string, error: unknown, extra: Record<string, unknown> = {}) => {
    const { args, res } = host(path, extra);
    filter.catch(error, args);
    return res;
  };
  const json = (error: unknown) => {
    const { args, res } = host('/api/v1/things');
    filter.catch(error, args);
    return { status: res.statusCode, body: res.json.mock.calls[0][0] as Record<string, unknown>, res };
  };

  beforeEach(() => logged.mockClear());

  it('logs a database error as a 500 without its SQL or values, and shows the generic page', () => {
    const res = page('/things/1', driverError());
    expect(res.statusCode).toBe(500);
    expect(JSON.stringify(res.rendered)).not.toMatch(/insert into|\$argon2id\$/i);
    expect(logged).toHaveBeenCalledTimes(1);
    const [entry] = logged.mock.calls[0] as [{ err: { message?: unknown; stack?: unknown; code?: unknown } }];
    expect(`${String(entry.err.message)} ${String(entry.err.stack)}`).not.toMatch(/insert into|\$argon2id\$/i);
    expect(entry.err.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
  });

  describe('each kind of AppError, as a page and as JSON', () => {
    const cases: [string, AppError, number, string, string][] = [
      [
        'refused input',
        new InputRefused('This link is not valid.'),
        400,
        'Something in the request is not right',
        'Bad request',
      ],
      ['refused credentials', new Unauthenticated('Sign in or use an API key.'), 401, 'Please sign in', 'Unauthorized'],
      [
        'forbidden',
        new Forbidden('You do not have access to this page.'),
        403,
        'You cannot open this page',
        'Forbidden',
      ],
      ['not found', new NotFound('Organization not found.'), 404, 'Page not found', 'Not found'],
      ['conflict', new Conflict('Two-factor sign-in is already off.'), 409, 'This cannot be done now', 'Conflict'],
    ];

    it.each(cases)('%s: its status, the page in the layout with its message', (_, error, status, heading) => {
      const res = page('/things/1', error);
      expect(res.statusCode).toBe(status);
      expect(res.rendered).toEqual({
        view: 'errors/error',
        locals: { title: heading, statusCode: status, heading, message: error.message, showHome: false },
      });
      expect(logged).not.toHaveBeenCalled();
    });

    it.each(cases)('%s: { statusCode, error, message } under /api', (_, error, status, _heading, name) => {
      const answer = json(error);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ statusCode: status, error: name, message: error.message });
    });

    it('rate limited: 429, the plain sentence, and Retry-After when it is known', () => {
      const res = page('/login', new RateLimited(42));
      expect(res.statusCode).toBe(429);
      expect(res.headers['Retry-After']).toBe('42');
      expect(res.rendered!.locals).toMatchObject({
        heading: 'Too many attempts',
        message: 'Wait a minute before you try again.',
      });
      const answer = json(new RateLimited());
      expect(answer.body).toEqual({
        statusCode: 429,
        error: 'Too many requests',
        message: 'Too many attempts',
      });
      expect(answer.res.headers['Retry-After']).toBeUndefined();
    });

    it('rate limited with a message: 429, the form again with it, input kept but never a password', () => {
      const res = page('/things/1/edit', new RateLimited(30, 'Too many attempts for this account.'), form());
      expect(res.statusCode).toBe(429);
      expect(res.headers['Retry-After']).toBe('30');
      expect(res.rendered!.view).toBe('things/edit');
      expect(res.rendered!.locals).toMatchObject({
        title: 'Edit thing',
        values: { name: 'Widget' },
        errors: { _form: 'Too many attempts for this account.' },
      });
      expect(JSON.stringify(res.rendered!.locals)).not.toContain('hunter2');
      const beside = page('/things/1/edit', new RateLimited(30, { name: 'Not today.' }), form());
      expect(beside.rendered!.locals).toMatchObject({ errors: { name: 'Not today.' } });
    });

    it('without a message, the status’s own sentence', () => {
      expect(page('/things/1', new NotFound()).rendered!.locals.message).toBe(
        'The page you asked for does not exist, or it is not yours to see.',
      );
      expect(page('/things/1', new Forbidden()).rendered!.locals.message).toBe(
        'Your account does not have access to it. Ask an administrator if you need it.',
      );
      expect(json(new NotFound()).body).toEqual({ statusCode: 404, error: 'Not found', message: 'Page not found' });
    });

    it('refused input with field messages: fields in JSON too', () => {
      const answer = json(new InputRefused({ name: 'Enter a name.', email: 'Enter an email address.' }));
      expect(answer.body).toEqual({
        statusCode: 400,
        error: 'Bad request',
        message: 'Enter a name. Enter an email address.',
        fields: { name: 'Enter a name.', email: 'Enter an email address.' },
      });
    });
  });

  describe('the form shown again', () => {
    it('re-renders the @FormView with 400, the messages and the input minus secrets', () => {
      const res = page('/setup', new InputRefused({ email: 'Enter an email address.' }), {
        method: 'POST',
        formView: 'setup/index',
        formLocals: { title: 'Set up SeatDesk' },
        body: { email: 'a@b', password: 'hunter2-hunter2', _csrf: 'x', orgName: 'Acme' },
      });
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

    it('adds the error’s own locals, which may replace the page’s', () => {
      const error = new InputRefused({ password: 'Use at least 12 characters.' }, { strength: { score: 1 } });
      const res = page('/things/1', error, form());
      expect(res.rendered!.locals).toEqual({
        title: 'Edit thing',
        values: { name: 'Widget' },
        strength: { score: 1 },
        errors: { password: 'Use at least 12 characters.' },
        errorList: [{ field: 'password', message: 'Use at least 12 characters.' }],
      });
      const gone = new InputRefused('This link is not valid.', { title: 'This link no longer works', invalid: true });
      expect(page('/things/1', gone, form()).rendered!.locals).toMatchObject({
        title: 'This link no longer works',
        invalid: true,
      });
    });

    it('puts a message without fields at the top of the form', () => {
      const res = page('/login', new Unauthenticated('The email address or password is not right.'), form());
      expect(res.statusCode).toBe(401);
      expect(res.rendered!.view).toBe('things/edit');
      expect(res.rendered!.locals.errorList).toEqual([
        { field: '_form', message: 'The email address or password is not right.' },
      ]);
    });

    it('shows a conflict on the form only when it names fields', () => {
      const taken = page('/things/1', new Conflict('Taken.', { name: 'This name is taken.' }), form());
      expect([taken.statusCode, taken.rendered!.view]).toEqual([409, 'things/edit']);
      expect(taken.rendered!.locals.errors).toEqual({ name: 'This name is taken.' });
      const done = page('/things/1', new Conflict('It is already off.'), form());
      expect([done.statusCode, done.rendered!.view, done.rendered!.locals.message]).toEqual([
        409,
        'errors/error',
        'It is already off.',
      ]);
    });

    it('never for a page that is not there or not allowed', () => {
      for (const error of [new NotFound('Organization not found.'), new Forbidden('No.'), new RateLimited()]) {
        expect(page('/things/1', error, form()).rendered!.view).toBe('errors/error');
      }
    });

    it('without a @FormView, refused input is the error page with its message', () => {
      const res = page('/things/1', new InputRefused({ name: 'Enter a name.' }));
      expect([res.statusCode, res.rendered!.view, res.rendered!.locals.message]).toEqual([
        400,
        'errors/error',
        'Enter a name.',
      ]);
    });
  });

  describe('anything else', () => {
    it('is a 500 page without its message or stack, and is logged', () => {
      const res = page('/dashboard', new Error('SQLITE_CORRUPT: secret details at /srv/x.ts:12.'));
      expect(res.statusCode).toBe(500);
      expect(res.rendered!.view).toBe('errors/error');
      expect(JSON.stringify(res.rendered!.locals)).not.toMatch(/SQLITE|secret|x\.ts/);
      expect(res.rendered!.locals.heading).toBe('Something went wrong on our side');
      expect(logged).toHaveBeenCalledTimes(1);
    });

    it('is a 500 in JSON too', () => {
      expect(json(new Error('boom.')).body).toEqual({
        statusCode: 500,
        error: 'Internal server error',
        message: 'Something went wrong on our side',
      });
    });

    it('even with a message that reads like a sentence, in a form handler', () => {
      const res = page('/things/1', new Error('The disk is full.'), form());
      expect(res.statusCode).toBe(500);
      expect(res.rendered!.view).toBe('errors/error');
      expect(res.rendered!.locals.message).toBe('The problem has been logged. Try again in a moment.');
    });
  });

  describe('the framework’s own answers', () => {
    it('keep their status but never their text, however it reads', () => {
      const missing = page('/nope', new NotFoundException('Cannot GET /nope'));
      expect([missing.statusCode, missing.rendered!.locals.message]).toEqual([
        404,
        'The page you asked for does not exist, or it is not yours to see.',
      ]);
      const written = page('/x', new ForbiddenException('You do not have access to this page.'));
      expect([written.statusCode, written.rendered!.locals.message]).toEqual([
        403,
        'Your account does not have access to it. Ask an administrator if you need it.',
      ]);
      expect(json(new NotFoundException('Cannot GET /api/v1/nothing')).body).toEqual({
        statusCode: 404,
        error: 'Not found',
        message: 'Page not found',
      });
    });

    it('answer the throttler with 429 and the plain sentence', () => {
      const res = page('/login', new ThrottlerException());
      expect([res.statusCode, res.rendered!.locals.heading, res.rendered!.locals.message]).toEqual([
        429,
        'Too many attempts',
        'Wait a minute before you try again.',
      ]);
    });

    it('say what was wrong with an unreadable body or address in our words', () => {
      const body = host('/account/profile', { is: (type: string) => type === 'json' });
      filter.catch(new BadRequestException('Unexpected end of JSON input'), body.args);
      expect(body.res.rendered!.locals.message).toBe('The request body is not valid JSON.');
      const address = page('/account/sessions/%ZZ/end', new BadRequestException("Failed to decode param '%ZZ'"));
      expect(address.rendered!.locals.message).toBe('The address is not valid.');
      const other = page('/x', new BadRequestException('Validation failed (uuid is expected)'));
      expect(other.rendered!.locals.message).toBe('Go back, check what you entered and try again.');
    });

    it('answer a body parser error by its status', () => {
      const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
      const res = page('/things', tooLarge);
      expect([res.statusCode, res.rendered!.locals.heading, res.rendered!.locals.message]).toEqual([
        413,
        'Too much data',
        'What you sent is larger than SeatDesk accepts.',
      ]);
    });
  });

  it('redirects for RedirectException', () => {
    const { args, res } = host('/dashboard');
    filter.catch(new RedirectException('/login'), args);
    expect(res.redirect).toHaveBeenCalledWith(303, '/login');
  });
});
