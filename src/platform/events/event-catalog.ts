import { MODULE_CATALOG } from '../module-host/module-catalog';

/** Every event the registered modules declared, in registration order (filled before plugins load). */
export const APP_EVENT_NAMES = MODULE_CATALOG.eventNames;

/** The one-line description a module gave its event, or undefined. */
export function eventDescription(name: string): string | undefined {
  return MODULE_CATALOG.eventDescription(name);
}
