// Everything a plugin may import from SeatDesk, in one place: the plugin
// contract, the typed events, and the core services and helpers offered to
// plugins. Plugins import from here (and from npm packages), never from
// src/modules or a core repository. The one place plugin-host reaches into
// modules/: to re-export what core offers plugins.

export * from './plugin.types';
export { PluginSecrets } from './plugin-secrets';
export { SupportTickets, type ChatTranscript, type TranscriptMessage } from './support-tickets';

// Events: the typed map, emitting and listening.
export { type AppEventBase, type AppEventMap, type AppEventName } from '../events/app-events';
export { APP_EVENT_NAMES, eventDescription } from '../events/event-catalog';
export { AppEvents, OnAppEvent } from '../events/app-events.service';

// Core services a plugin may inject.
export { AuditService } from '../audit/audit.service';
export type { AuditEntryInput, AuditTarget } from '../audit/audit.types';
export { AfterCommit } from '../database/after-commit';
export { placeholders, Sql } from '../database/sql';
export { Clock } from '../../common/clock';
// A plugin's own settings: the environment over `.env`, read as SeatDesk reads its own.
export { readEnvironment } from '../../config/app.config';
export { JobRunner } from '../jobs/job-runner';
export { Job, type JobCounts, type JobSpec } from '../jobs/job.decorator';

// HTTP and pages: guards, forms, flash messages, pagination.
export { CurrentUser, FormView, Public, Roles } from '../../common/http/decorators';
export { IntIdParam, UuidParam } from '../../common/http/id-params';
export type { Principal, RoleName } from '../../common/http/principal';
export { FormDto } from '../../common/http/form.dto';
export { RedirectException } from '../../common/http/exceptions';
// Failing: throw one of these; the host shows it as a page, the form again, or JSON.
export {
  AppError,
  Conflict,
  Forbidden,
  InputRefused,
  NotFound,
  RateLimited,
  Unauthenticated,
  type FieldErrors,
} from '../../common/errors/app-error';
/** @deprecated The name of InputRefused in plugin API version 1 before it had siblings; throw InputRefused. */
export { InputRefused as FormError } from '../../common/errors/app-error';
export { setFlash, type FlashType } from '../../common/view/flash';
export {
  keysetClause,
  pageLinks,
  pageRequest,
  toPage,
  PAGE_SIZE,
  type Page,
  type PageRequest,
} from '../../common/pagination';
