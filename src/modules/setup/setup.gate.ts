import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SetupService } from './setup.service';

// Reachable before setup: the setup page itself and what monitoring probes.
const OPEN_BEFORE_SETUP = new Set(['/setup', '/healthz', '/readyz']);

/** Until the first operator exists every page leads to /setup. */
@Injectable()
export class SetupGate implements NestMiddleware {
  constructor(private readonly setup: SetupService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      if (OPEN_BEFORE_SETUP.has(req.path) || req.path.startsWith('/api/') || !(await this.setup.isOpen())) {
        return next();
      }
      res.redirect(303, '/setup');
    } catch (err) {
      next(err);
    }
  }
}
