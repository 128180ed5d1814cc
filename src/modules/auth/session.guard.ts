import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../../common/http/decorators';
import { RedirectException } from '../../common/http/exceptions';
import type { AppRequest } from '../../common/http/principal';

/** Every route needs a session unless it is marked @Public(). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<AppRequest>();
    if (req.user) return true;
    if (req.path.startsWith('/api/')) throw new UnauthorizedException('Sign in or use an API key.');
    const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
    throw new RedirectException(`/login${next}`);
  }
}
