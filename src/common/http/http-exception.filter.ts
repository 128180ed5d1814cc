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
import { CSRF, type CsrfUtilities } from './csrf';
import { FormError, RedirectException } from './exceptions';
import type { AppRequest } from './principal';
import { keptValues } from './validation';

/** Machines read these: errors are JSON, never a page. */
export function isJsonPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/healthz' || path === '/readyz';
}
import { applyLayoutLocals } from '../view/layout';

const HEADINGS: Record<number, [string, string]> = {
  400: ['Something in the request is not right', 'Go back, check what you entered and try again.'],
  401: ['Please sign in', 'Your session has ended. Sign in again to continue.'],
  403: ['You cannot open this page', 'Your account does not have access to it. Ask an administrator if you need it.'],
  404: ['Page not found', 'The page you asked for does not exist, or it is not yours to see.'],
  405: ['Not allowed', 'This page cannot be used that way.'],
  413: ['Too much data', 'What you sent is larger than SeatDesk accepts.'],
  429: ['Too many attempts', 'Wait a minute before you try again.'],
  500: ['Something went wrong on our side', 'The problem has been logged. Try again in a moment.'],
};

/**
 * The one place errors become answers: a page inside the layout, the form
 * again with its messages (400), or `{ statusCode, error, message }` under /api.
 * Never a stack trace.
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

    const status = this.statusOf(exception);
    if (status >= 500) {
      this.logger.error({ err: exception, path: req.path }, 'Unhandled error');
    }
    const publicMessage = this.parserMessage(exception, req) ?? this.publicMessage(exception, status);
    const [heading, fallback] = HEADINGS[status] ?? HEADINGS[status >= 500 ? 500 : 400];

    if (isJsonPath(req.path)) {
      const error = exception instanceof FormError ? { fields: exception.fields } : {};
      res.status(status).json({
        statusCode: status,
        error:
          HttpStatus[status]
            ?.replace(/_/g, ' ')
            .toLowerCase()
            .replace(/^\w/, (c) => c.toUpperCase()) ?? 'Error',
        message: publicMessage ?? heading,
        ...error,
      });
      return;
    }

    if (!Object.getOwnPropertyDescriptor(res.locals, 'csrfToken')) applyLayoutLocals(req, res, this.csrf);

    if (exception instanceof FormError && req.formView) {
      const errors = exception.fields;
      res.status(400).render(req.formView, {
        ...(req.formLocals ?? {}),
        values: keptValues(req.body),
        errors,
        errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
      });
      return;
    }

    res.status(status).render('errors/error', {
      title: heading,
      statusCode: status,
      heading,
      message: publicMessage ?? fallback,
      showHome: Boolean(req.user),
    });
  }

  private statusOf(exception: unknown): number {
    if (exception instanceof HttpException) return exception.getStatus();
    // Body parser errors (malformed or oversized bodies) carry their status.
    const status = (exception as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return status;
    return 500;
  }

  // Nest turns the JSON body parser's SyntaxError and the router's URIError
  // (a path parameter with bad percent-encoding) into a BadRequestException
  // with their own text, e.g. "Unexpected end of JSON input" or "Failed to
  // decode param '%ZZ'": answered in plain words, the parser's never echoed.
  // Such texts never end with a full stop; every message we write does.
  private parserMessage(exception: unknown, req: AppRequest): string | undefined {
    if (!(exception instanceof BadRequestException) || exception.constructor !== BadRequestException) return undefined;
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    if (typeof message !== 'string' || message.endsWith('.')) return undefined;
    if (message.startsWith('Failed to decode param ')) return 'The address is not valid.';
    if (message.includes('JSON') && req.is?.('json')) return 'The request body is not valid JSON.';
    return undefined;
  }

  // Only messages we wrote reach the page; framework defaults ("Cannot GET /x") do not.
  private publicMessage(exception: unknown, status: number): string | undefined {
    if (status >= 500 || !(exception instanceof HttpException)) return undefined;
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    // Every message we write is a sentence; framework texts ("Validation failed
    // (uuid is expected)", "Cannot GET /x", "Forbidden resource") are not.
    if (typeof message !== 'string' || !/[.!?…]$/.test(message)) return undefined;
    if (/^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /.test(message)) return undefined;
    if (
      message === HttpStatus[status] ||
      /^(Forbidden|Not Found|Bad Request|Unauthorized)( resource)?$/i.test(message)
    ) {
      return undefined;
    }
    if (/ThrottlerException/.test(message)) return undefined;
    return message;
  }
}
