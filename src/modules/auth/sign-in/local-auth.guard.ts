import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import { AppError, Unauthenticated } from '../../../common/errors/app-error';
import { createValidationPipe } from '../../../common/http/validation';
import { SignInDto } from './dto/sign-in.dto';
import { SIGN_IN_FAILED, type SignInCandidate } from './sign-in.service';
import { LocalStrategy } from './local.strategy';

// The global pipe's rules (the control-character rule included), run here because guards run before pipes.
const formPipe = createValidationPipe();

type SignInRequest = Request & { candidate?: SignInCandidate | null; signInRefused?: AppError };

/** The sign-in form's refusal, if its input breaks the rules of SignInDto. */
async function refusedInput(body: unknown): Promise<AppError | undefined> {
  try {
    await formPipe.transform(body ?? {}, { type: 'body', metatype: SignInDto });
    return undefined;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

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
    const req = http.getRequest<SignInRequest>();
    // Refused input never reaches the password step (nor the audit): @Candidate() answers it on the form.
    req.signInRefused = await refusedInput(req.body);
    if (req.signInRefused) {
      req.candidate = null;
      return true;
    }
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
 * The person LocalAuthGuard found; none is refused with SIGN_IN_FAILED (401),
 * or with the form's messages (400) when its input broke the rules. Read when
 * the handler runs, so the refusal comes back on its @FormView.
 */
export const Candidate = createParamDecorator((_: unknown, ctx: ExecutionContext): SignInCandidate => {
  const req = ctx.switchToHttp().getRequest<SignInRequest>();
  if (req.signInRefused) throw req.signInRefused;
  if (!req.candidate) throw new Unauthenticated(SIGN_IN_FAILED);
  return req.candidate;
});
