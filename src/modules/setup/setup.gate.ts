import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SetupService } from './setup.service';

// Reachable before setup: the setup page itself and what monitoring probes.
const OPEN_BEFORE_SETUP = new Set(['/setup', '/healthz', '/readyz']);

/** Until the first operator exists every page leads to /setup. */
@Injectable()
export class SetupGate implements NestMiddleware {
  constructor(private readonly setup: SetupService) {}

  use(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    // Setup never reopens: once closed, no query and no await on any request.
    if (this.setup.knownClosed || OPEN_BEFORE_SETUP.has(req.path) || req.path.startsWith('/api/')) return next();
    return this.untilSetUp(res, next);
  }

  private async untilSetUp(res: Response, next: NextFunction): Promise<void> {
    try {
      if (!(await this.setup.isOpen())) return next();
      res.redirect(303, '/setup');
    } catch (err) {
      next(err);
    }
  }
}
