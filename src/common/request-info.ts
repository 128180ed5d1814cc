import { AsyncLocalStorage } from 'node:async_hooks';

/** Who or what is acting: a signed-in person, the system (jobs, CLI) or a device. */
export interface Actor {
  type: 'person' | 'system' | 'device';
  id: string | null;
  /** What a reader of the audit log recognizes: an email, `cli`, `job:mail.deliver`. */
  label: string;
  organizationId?: string | null;
  /** A person's role when known (it decides whether their organization is what an entry is about). */
  role?: string;
}

export interface RequestInfo {
  /** The HTTP request's number in this process (log lines carry it as reqId). */
  requestId?: number;
  ip?: string;
  userAgent?: string;
  actor?: Actor;
}

// Set per HTTP request, job run or CLI command, so deep services (audit) know
// who acts and from where without every call passing the request along.
const storage = new AsyncLocalStorage<RequestInfo>();

export function runWithRequestInfo<T>(info: RequestInfo, work: () => T): T {
  return storage.run(info, work);
}

export function currentRequestInfo(): RequestInfo {
  return storage.getStore() ?? {};
}

/** Names the actor of the current request once the session is known. */
export function setCurrentActor(actor: Actor): void {
  const store = storage.getStore();
  if (store) store.actor = actor;
}

export const systemActor = (label: string): Actor => ({ type: 'system', id: null, label });
