import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

/**
 * Runs the password step and puts the outcome on `req.candidate` (never on
 * `req.user`, which is the signed-in session). Never throws: the controller
 * answers a failure with the one generic message and 401.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  getAuthenticateOptions() {
    return { session: false, property: 'candidate' };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      await super.canActivate(context);
    } catch {
      context.switchToHttp().getRequest().candidate = null;
    }
    return true;
  }

  handleRequest<T>(err: unknown, user: T): T {
    if (err || !user) throw new Error('sign-in failed');
    return user;
  }
}
