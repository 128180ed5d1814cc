import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { FORM_VIEW, type FormViewSpec } from '../http/decorators';
import { CSRF, type CsrfUtilities } from '../http/csrf';
import type { AppRequest } from '../http/principal';
import { applyLayoutLocals } from './layout';

/** Runs after the guards: gives every rendered page its layout locals. */
@Injectable()
export class LayoutInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CSRF) private readonly csrf: CsrfUtilities,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AppRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    if (!req.path.startsWith('/api/')) {
      applyLayoutLocals(req, res, this.csrf);
      // Read by the exception filter when the form's input is refused.
      const form = this.reflector.get<FormViewSpec | undefined>(FORM_VIEW, context.getHandler());
      if (form) {
        req.formView = form.view;
        req.formLocals = form.locals?.(req) ?? {};
      }
    }
    return next.handle();
  }
}
