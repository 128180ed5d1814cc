import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type NestInterceptor,
} from '@nestjs/common';
import { Forbidden } from '../errors/app-error';
import type { AppRequest, Principal, RoleName } from './principal';

export const IS_PUBLIC = 'seatdesk:public';
export const ROLES = 'seatdesk:roles';
export const ALLOW_STAGES = 'seatdesk:allow-stages';
export const RECENT_AUTH = 'seatdesk:recent-auth';
export const FORM_VIEW = 'seatdesk:form-view';

/** How long a typed password keeps sensitive changes open. */
export const RECENT_AUTH_SECONDS = 15 * 60;

/** Reachable without a session (the short list in docs/reference/routes.md). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * Also reachable by a session whose sign-in is not finished: `two_factor`
 * (code pending) or `enrol` (must set up two-factor). Others see only what
 * they list.
 */
export const AllowStages = (...stages: ('two_factor' | 'enrol')[]) => SetMetadata(ALLOW_STAGES, stages);

/**
 * A sensitive change: the password must have been typed in this session within
 * RECENT_AUTH_SECONDS, else the person is asked for it first. Afterwards a GET
 * comes back to itself, a form post to the page it was sent from (its
 * Referer), or else to `returnTo`.
 */
export const RecentAuth = (returnTo = '/account/security') => SetMetadata(RECENT_AUTH, returnTo);

/** Only these roles may call the handler (or every handler of the controller). */
export const Roles = (...roles: RoleName[]) => SetMetadata(ROLES, roles);

export interface FormViewSpec {
  view: string;
  locals?: (req: AppRequest) => Record<string, unknown>;
}

/**
 * The view to re-render (status 400, input kept, messages beside the fields)
 * when the form's input is refused, with the page's own locals. An
 * interceptor on this handler only: after the guards, before the validation
 * pipe; every other route runs without one.
 */
export const FormView = (view: string, locals?: FormViewSpec['locals']) =>
  applyDecorators(
    // Also as metadata: a guard that refuses the request (the rate limits) shows the form with useFormView().
    SetMetadata(FORM_VIEW, { view, locals } satisfies FormViewSpec),
    UseInterceptors({
      intercept(context: ExecutionContext, next: CallHandler) {
        // Read by the exception filter when the form's input is refused.
        useFormView(context.switchToHttp().getRequest<AppRequest>(), { view, locals });
        return next.handle();
      },
    } satisfies NestInterceptor),
  );

/**
 * Marks the request so a refusal from here on comes back on this form. Adds
 * to what a page-locals interceptor of the controller already put there.
 */
export function useFormView(req: AppRequest, spec: FormViewSpec): void {
  req.formView = spec.view;
  req.formLocals = { ...req.formLocals, ...(spec.locals?.(req) ?? {}) };
}

/**
 * The @FormView of the handler being called. A controller's interceptor that
 * loads a refused form's page locals reads it here: controller interceptors
 * run before the handler's own, so `req.formView` is not set yet for them.
 */
export function formViewOf(context: ExecutionContext): FormViewSpec | undefined {
  return Reflect.getMetadata(FORM_VIEW, context.getHandler()) as FormViewSpec | undefined;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const user = ctx.switchToHttp().getRequest<AppRequest>().user;
  if (!user) throw new Forbidden();
  return user;
});

/**
 * The organization every org-scoped query is limited to: always the session's,
 * never one from the URL or body. People without an organization are refused.
 */
export const OrgScope = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const user = ctx.switchToHttp().getRequest<AppRequest>().user;
  if (!user?.orgId) throw new Forbidden('This page belongs to an organization, and you are not in one.');
  return user.orgId;
});
