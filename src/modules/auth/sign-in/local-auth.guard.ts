import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import { Unauthenticated } from '../../../common/errors/app-error';
import { SIGN_IN_FAILED, type SignInCandidate } from './sign-in.service';
import { LocalStrategy } from './local.strategy';

/**
 * Runs the password step and puts the outcome on `req.candidate` (never on
 * `req.user`, which is the signed-in session). Never throws: @Candidate()
 * refuses a failure with the one generic message and 401, on the sign-in form.
 *
 * It hands passport this application's own strategy object rather than the
 * name 'local': passport keeps one strategy per name for the whole process,
 * and any other application built in it (the CLI run in-process, a second
 * test app) would otherwise answer this one's sign-ins.
 */
@Injectable()
export class LocalAuthGuard implements CanActivate {
  constructor(private readonly strategy: LocalStrategy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { candidate?: SignInCandidate | null }>();
    req.candidate = await new Promise<SignInCandidate | null>((resolve) => {
      // A per-request object: passport attaches this request's success/fail callbacks to it.
      const strategy = Object.create(this.strategy) as LocalStrategy;
      const authenticate = passport.authenticate(strategy, { session: false }, (err: unknown, user: unknown) =>
        resolve(err || !user ? null : (user as SignInCandidate)),
      ) as (req: Request, res: Response, next: (err?: unknown) => void) => void;
      authenticate(req, http.getResponse<Response>(), () => resolve(null));
    });
    return true;
  }
}

/**
 * The person LocalAuthGuard found; none is refused with SIGN_IN_FAILED (401).
 * Read when the handler runs, so the refusal comes back on its @FormView.
 */
export const Candidate = createParamDecorator((_: unknown, ctx: ExecutionContext): SignInCandidate => {
  const candidate = ctx.switchToHttp().getRequest<{ candidate?: SignInCandidate | null }>().candidate;
  if (!candidate) throw new Unauthenticated(SIGN_IN_FAILED);
  return candidate;
});
