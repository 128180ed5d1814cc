/** Why a webhook address is refused, or null when it is fine. */
export function webhookUrlProblem(raw: unknown): string | null {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') return 'Enter the address SeatDesk should send events to.';
  if (value.length > 2000) return 'Use an address of at most 2,000 characters.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full address that starts with https:// or http://.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'Only http:// and https:// addresses can receive webhooks.';
  }
  if (!url.hostname) return 'Enter an address with a host name.';
  if (url.hash) return 'Remove the #fragment: it is never sent to the server.';
  return null;
}

/** What pages show instead of a password in an address; sent back, it means "the saved one". */
export const PASSWORD_MASK = '***';

/** The address as pages and the audit log show it: a password in it is masked. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = PASSWORD_MASK;
    return url.toString();
  } catch {
    return raw;
  }
}

// eslint-disable-next-line no-control-regex -- the form never shows them again
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * The address a refused form shows again: a password just typed is left
 * out (like any password field, it is typed again); the mask stays, as it
 * still stands for the saved password.
 */
export function formUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.replace(CONTROL_CHARACTERS, '');
  try {
    const url = new URL(value.trim());
    if (!url.password || url.password === PASSWORD_MASK) return value;
    url.password = '';
    return url.toString();
  } catch {
    // Not an address, but it may still look like scheme://user:password@…
    return value.replace(/^(\s*[^:/?#\s]+:\/\/[^:/?#@]*):[^/?#@]*@/, '$1@');
  }
}

/** Whether two addresses name the same host and port (false when either does not parse). */
export function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}

/**
 * The address to save from the one a form sent: where the form showed the
 * masked password and it came back, the saved password, but only for the
 * same scheme, user name, host and port (the mask never carries a password
 * elsewhere).
 */
export function withSavedPassword(submitted: string, saved: string | null): { url: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(submitted);
  } catch {
    return { url: submitted };
  }
  if (url.password !== PASSWORD_MASK) return { url: submitted };
  const before = saved ? new URL(saved) : null;
  if (!before?.password) return { problem: 'Type the password in the address again.' };
  const same = (['protocol', 'username', 'hostname', 'port'] as const).every((part) => url[part] === before[part]);
  if (!same) {
    return {
      problem:
        'Type the password in the address again: the saved one is kept only while the user name and host stay the same.',
    };
  }
  url.password = before.password;
  return { url: url.toString() };
}
