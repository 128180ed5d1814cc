import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden } from '../errors/app-error';
import { ROLES } from './decorators';
import type { AppRequest, RoleName } from './principal';

/** Runs after the session guard: a handler with @Roles() is refused to everyone else. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<RoleName[] | undefined>(ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles) return true;
    const user = context.switchToHttp().getRequest<AppRequest>().user;
    if (!user || !roles.includes(user.role)) {
      throw new Forbidden('You do not have access to this page.');
    }
    return true;
  }
}
