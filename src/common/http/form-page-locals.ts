import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { formViewOf, type FormViewSpec } from './decorators';
import type { AppRequest } from './principal';

/**
 * A controller's interceptor that loads the page around a refused form: when
 * the handler has a @FormView, `locals` returns what that page shows besides
 * the form (undefined for views it does not serve). It runs before the input
 * is validated, so a page that is not the visitor's to see (another
 * organization's person) is refused first, and a refused form comes back
 * within its whole page.
 */
export abstract class FormPageLocals implements NestInterceptor {
  protected abstract locals(req: AppRequest, form: FormViewSpec): Promise<Record<string, unknown> | undefined>;

  async intercept(context: ExecutionContext, next: CallHandler) {
    const form = formViewOf(context);
    if (form) {
      const req = context.switchToHttp().getRequest<AppRequest>();
      const extra = await this.locals(req, form);
      if (extra) req.formLocals = { ...req.formLocals, ...extra };
    }
    return next.handle();
  }
}
