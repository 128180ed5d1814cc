import type { Request } from 'express';

export type RoleName = 'operator' | 'helpdesk' | 'admin' | 'member';

/** Who is signed in, resolved from the session row on every request. */
export interface Principal {
  personId: string;
  sessionId: string;
  name: string;
  email: string;
  role: RoleName;
  orgId: string | null;
  orgName: string | null;
  /** The IANA zone this person reads times in: their own, else their organization's, else the install's. */
  timeZone: string;
  /** `active` once sign-in is complete; see SessionStage. */
  stage: 'active' | 'two_factor' | 'enrol';
  /** When the password was last typed in this session (sign-in or confirmation). */
  confirmedAt: Date | null;
}

/** What a bearer token on /api names: a device (its agent), later an API key. */
export interface ApiClient {
  type: 'device';
  id: string;
  organizationId: string;
  /** What the audit log shows for it (a device's name). */
  label: string;
}

export type AppRequest = Request & {
  user?: Principal;
  /** Under /api: who the bearer token belongs to (set before routing, never from a cookie). */
  apiClient?: ApiClient;
  /** Set from @FormView(): where a refused form is shown again. */
  formView?: string;
  formLocals?: Record<string, unknown>;
};
