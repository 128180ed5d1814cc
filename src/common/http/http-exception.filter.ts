import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { databaseErrorForLog, isDatabaseError } from '../error-info';
import { AppError, RateLimited, type FieldErrors } from '../errors/app-error';
import { CSRF, type CsrfUtilities } from './csrf';
import { RedirectException } from './exceptions';
import type { AppRequest } from './principal';
import { keptValues } from './validation';
import { applyLayoutLocals } from '../view/layout';

/** Machines read these: errors are JSON, never a page. */
export function isJsonPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/healthz' || path === '/readyz';
}

const HEADINGS: Record<number, [string, string]> = {
  400: ['Something in the request is not right', 'Go back, check what you entered and try again.'],
  401: ['Please sign in', 'Your session has ended. Sign in again to continue.'],
  403: ['You cannot open this page', 'Your account does not have access to it. Ask an administrator if you need it.'],
  404: ['Page not found', 'The page you asked for does not exist, or it is not yours to see.'],
  405: ['Not allowed', 'This page cannot be used that way.'],
  409: ['This cannot be done now', 'Something changed meanwhile. Go back, reload the page and try again.'],
  410: ['No longer available', 'What you asked for existed, and is no longer available.'],
  413: ['Too much data', 'What you sent is larger than SeatDesk accepts.'],
  429: ['Too many attempts', 'Wait a minute before you try again.'],
  500: ['Something went wrong on our side', 'The problem has been logged. Try again in a moment.'],
};

/** What a caught value becomes: a status, and only what may be shown of it. */
interface Answer {
  status: number;
  /** Written for people (an AppError's, or our words for a parser's); else the status's own sentence. */
  message?: string;
  /** The messages for the handler's @FormView, when the form is to be shown again. */
  form?: FieldErrors;
  /** Field messages for JSON clients. */
  fields?: FieldErrors;
}

/**
 * The one place errors become answers: a page inside the layout, the form
 * again with its messages, or `{ statusCode, error, message }` (+ `fields`)
 * under /api. Only an AppError's message (and our words for the framework's
 * own 400s) reaches a page; anything else unexpected is a 500 with the
 * generic text. Never a stack trace.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(@Inject(CSRF) private readonly csrf: CsrfUtilities) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<AppRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;

    if (exception instanceof RedirectException) {
      res.redirect(303, exception.location);
      return;
    }

    const answer = this.answer(exception, req);
    const { status } = answer;
    if (status >= 500) {
      // Whatever logger is in use, a database error is logged without its SQL and values.
      const err = isDatabaseError(exception) ? databaseErrorForLog(exception) : exception;
      this.logger.error({ err, path: req.path }, 'Unhandled error');
    }
    if (exception instanceof RateLimited && exception.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    }
    const [heading, fallback] = HEADINGS[status] ?? HEADINGS[status >= 500 ? 500 : 400];

    if (isJsonPath(req.path)) {
      res.status(status).json({
        statusCode: status,
        error: statusText(status),
        message: answer.message ?? heading,
        ...(answer.fields ? { fields: answer.fields } : {}),
      });
      return;
    }

    if (!Object.getOwnPropertyDescriptor(res.locals, 'csrfToken')) applyLayoutLocals(req, res, this.csrf);

    if (answer.form && req.formView) {
      const errors = answer.form;
      res.status(status).render(req.formView, {
        ...(req.formLocals ?? {}),
        values: keptValues(req.body),
        ...((exception as AppError).locals ?? {}),
        errors,
        errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
      });
      return;
    }

    res.status(status).render('errors/error', {
      title: heading,
      statusCode: status,
      heading,
      message: answer.message ?? fallback,
      showHome: Boolean(req.user),
    });
  }

  private answer(exception: unknown, req: AppRequest): Answer {
    if (exception instanceof AppError) {
      return {
        status: exception.status,
        message: exception.message || undefined,
        form: showsForm(exception) ? exception.fieldMessages : undefined,
        fields: exception.fields,
      };
    }
    // The framework's own: no route (404), the throttler (429), the parsers (400,
    // 413), a health check (503). Their status stands; their text never shows.
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), message: this.parserMessage(exception, req) };
    }
    // Body parser errors (oversized, unreadable bodies) carry their status.
    const status = (exception as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return { status };
    return { status: 500 };
  }

  // Nest turns the JSON body parser's SyntaxError and the router's URIError
  // (a path parameter with bad percent-encoding) into a plain
  // BadRequestException with their own text, e.g. "Unexpected end of JSON
  // input" or "Failed to decode param '%ZZ'": answered in plain words, the
  // parser's never echoed.
  private parserMessage(exception: HttpException, req: AppRequest): string | undefined {
    if (!(exception instanceof BadRequestException) || exception.constructor !== BadRequestException) return undefined;
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    if (typeof message !== 'string') return undefined;
    if (message.startsWith('Failed to decode param ')) return 'The address is not valid.';
    if (message.includes('JSON') && req.is?.('json')) return 'The request body is not valid JSON.';
    return undefined;
  }
}

// Refused input and refused credentials come back on their form; a conflict
// only when it names fields, a rate limit only when it says why. The others are a page of their own.
function showsForm(error: AppError): boolean {
  switch (error.kind) {
    case 'input_refused':
    case 'unauthenticated':
      return true;
    case 'conflict':
      return error.fields !== undefined;
    case 'rate_limited':
      return error.message !== '';
    case 'forbidden':
    case 'not_found':
    case 'gone':
      return false;
  }
}

// "Not found", "Too many requests": HttpStatus's name as a phrase.
function statusText(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name
    ? name
        .replace(/_/g, ' ')
        .toLowerCase()
        .replace(/^\w/, (c) => c.toUpperCase())
    : 'Error';
}
