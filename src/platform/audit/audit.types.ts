import type { Actor } from '../../common/request-info';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

type Scalar = string | number | boolean | null;

export type AuditDetailsShape = Record<string, Scalar | Scalar[]>;

// Details are for reading later, so secrets are refused by construction: a
// key naming one (`password`, `resetToken`, …) is typed `never` and does not
// compile, and record() refuses it at run time too.
type SecretWord = 'password' | 'secret' | 'token' | 'hash' | 'code' | 'key' | 'cookie' | 'session';
export type NoSecretKeys<D> = {
  [
    K in keyof D as K extends string ? (Lowercase<K> extends `${string}${SecretWord}${string}` ? K : never) : never
  ]: never;
};

export const SECRET_KEY = /password|secret|token|hash|code|key|cookie|session/i;

export interface AuditTarget {
  type: string;
  id?: string | null;
  /** What a reader recognizes: a name or an email at the time. */
  label?: string | null;
}

export interface AuditEntryInput<D extends AuditDetailsShape = AuditDetailsShape> {
  /** `<aggregate>.<past-tense>`, e.g. `user.created`, `auth.login.failed`. */
  action: string;
  outcome?: AuditOutcome;
  /** Defaults to the actor of the current request, job or CLI command. */
  actor?: Actor;
  target?: AuditTarget;
  /**
   * The organization the entry is about, shown to its admins. Defaults to the
   * actor's, except for staff (operator, helpdesk): their entries name an
   * organization only when it is passed here.
   */
  organizationId?: string | null;
  details?: D & NoSecretKeys<D>;
}
