import { MikroORM } from '@mikro-orm/better-sqlite';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../../common/http/decorators';
import { MigrationRunner } from '../database/database.module';

@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly orm: MikroORM,
    private readonly migrations: MigrationRunner,
  ) {}

  /** Alive: the process answers. */
  @Get('healthz')
  live() {
    return { status: 'ok' };
  }

  /** Ready: the database answers and every migration is applied. */
  @Get('readyz')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('database');
        try {
          await this.orm.em.getConnection().execute('select 1');
          const current = await this.migrations.isCurrent();
          return current ? indicator.up() : indicator.down({ message: 'migrations pending' });
        } catch {
          return indicator.down({ message: 'database unavailable' });
        }
      },
    ]);
  }
}
