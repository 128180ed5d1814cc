import { MikroORM } from '@mikro-orm/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { Request } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { join } from 'node:path';
import { bodyParsers } from './common/http/body-parsers';
import { CSRF, type CsrfUtilities } from './common/http/csrf';
import { refuseNulInUrl } from './common/http/url-guard.middleware';
import { warnForwardedForIgnored } from './common/http/forwarded-for-warning';
import { runWithRequestInfo } from './common/request-info';
import { deriveKeyBytes } from './common/security/keys';
import { layoutLocals, MODULE_NAV_SETTING } from './common/view/layout';
import { createViewEngine } from './common/view/view-engine';
import { MODULE_CATALOG } from './platform/module-host/module-catalog';
import type { AppConfig } from './config/app.config';
import { NODE_MODULES_DIR, PROJECT_ROOT, VIEWS_DIR } from './config/paths';
import { ApiCredentials } from './modules/auth/sessions/api-credentials';
import { SessionMiddleware } from './modules/auth/sessions/session.middleware';
import { requestContext } from './platform/database/request-context';
import { PluginRegistry } from './platform/plugin-host/plugin-registry';
import { mountPluginViews } from './platform/plugin-host/plugin-views';
import { SetupGate } from './modules/setup/setup.gate';
import { PasswordPolicy } from './modules/people/password-policy';
import { requestLogger, ROOT_LOGGER } from './logger';

const ASSET_OPTIONS = { maxAge: '1d', index: false, fallthrough: true } as const;

/**
 * Everything HTTP the app needs, in order; shared by main.ts and the tests.
 * The app must be created with `bodyParser: false`: bodies are parsed here.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): NestExpressApplication {
  app.disable('x-powered-by');
  // Every answer is no-store (SessionMiddleware), so no browser ever revalidates:
  // hashing each body for an ETag is work for nothing. Static assets keep theirs.
  app.set('etag', false);
  // A number of hops or the proxies' addresses (never plain `true`): see parseTrustProxy.
  if (config.trustProxy !== false) app.set('trust proxy', config.trustProxy);
  app.set('seatdesk.secure', config.secure);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          // Only over https: on a plain-http LAN install it would break every asset.
          ...(config.secure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );

  app.useStaticAssets(join(NODE_MODULES_DIR, '@tabler/core/dist'), { prefix: '/assets/tabler', ...ASSET_OPTIONS });
  app.useStaticAssets(join(NODE_MODULES_DIR, '@tabler/icons-webfont/dist'), {
    prefix: '/assets/icons',
    ...ASSET_OPTIONS,
  });
  app.useStaticAssets(join(PROJECT_ROOT, 'public'), { prefix: '/assets/app', ...ASSET_OPTIONS });

  app.use(requestLogger(app.get<Logger>(ROOT_LOGGER)));
  if (config.trustProxy === false) app.use(warnForwardedForIgnored(app.get<Logger>(ROOT_LOGGER)));
  app.use((req: Request, _res: unknown, next: () => void) =>
    runWithRequestInfo({ requestId: (req as { id?: number }).id, ip: req.ip, userAgent: req.get('user-agent') }, next),
  );
  app.use(requestContext(app.get(MikroORM)));
  app.use(cookieParser(deriveKeyBytes(config.appSecret, 'cookies').toString('hex')));
  const session = app.get(SessionMiddleware);
  app.use(session.use.bind(session));
  app.use(refuseNulInUrl);
  const gate = app.get(SetupGate);
  app.use(gate.use.bind(gate));
  app.use(layoutLocals(app.get<CsrfUtilities>(CSRF)));
  // A CSV of up to 10,000 people, pasted into the import form or uploaded as a file.
  app.use(bodyParsers({ '/org/users/import': { limit: 2_000_000, file: 'csvFile' } }));
  const apiCredentials = app.get(ApiCredentials);
  app.use(apiCredentials.use.bind(apiCredentials));

  const plugins = app.get(PluginRegistry);
  const views = createViewEngine([{ dir: join(VIEWS_DIR, 'partials') }, ...plugins.partialDirs()]);
  app.engine('hbs', views.__express);
  app.setViewEngine('hbs');
  app.setBaseViewsDir(VIEWS_DIR);
  // Plugin views render as plugins/<id>/<view> from their own folder; plugins add nav items.
  app.set(MODULE_NAV_SETTING, MODULE_CATALOG.nav);
  mountPluginViews(app, plugins);
  app.set('view options', { layout: 'layouts/main' });
  app.set('view cache', true);
  app.setLocal('passwordHelp', app.get(PasswordPolicy).describe());
  app.setLocal('timeZone', config.timeZone);
  return app;
}
