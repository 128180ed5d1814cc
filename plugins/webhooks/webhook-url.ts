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

/** What pages show instead of a query value (`?token=…`); sent back, it means "the saved one". */
export const QUERY_MASK = '…';

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** A query's parts, as the URL parser serialized them (`a=1`, `flag`), without the `?`. */
const queryParts = (url: URL) => (url.search ? url.search.slice(1).split('&') : []);

/**
 * A query part as shown: its name and a mask for its value (`token=…`). A
 * part without `=` may be a bare token, so all of it is masked. An empty
 * value has nothing to hide.
 */
function maskedPart(part: string): string {
  const equals = part.indexOf('=');
  if (equals < 0) return part === '' ? part : QUERY_MASK;
  return equals === part.length - 1 ? part : `${part.slice(0, equals)}=${QUERY_MASK}`;
}

/** Whether a submitted query part is the mask, i.e. stands for a saved value. */
function isMaskedPart(part: string): boolean {
  const equals = part.indexOf('=');
  return decoded(equals < 0 ? part : part.slice(equals + 1)) === QUERY_MASK;
}

/** The URL with its query replaced by raw (already serialized) parts; the mask stays readable. */
function withQuery(url: URL, parts: string[]): string {
  const bare = new URL(url.toString());
  bare.search = '';
  bare.hash = '';
  return `${bare.toString()}${parts.length ? `?${parts.join('&')}` : ''}${url.hash}`;
}

/**
 * The address as pages, forms and the audit log show it: a password in it
 * is masked (`***`), and so is every query value (`?token=…`), since a
 * token often travels there. Delivery uses the saved address, unmasked.
 */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = PASSWORD_MASK;
    return url.search ? withQuery(url, queryParts(url).map(maskedPart)) : url.toString();
  } catch {
    return raw;
  }
}

// eslint-disable-next-line no-control-regex -- the form never shows them again
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * A query part a refused form shows again: a mask stays (it stands for the
 * saved value); a value just typed is left out, to be typed again, as a
 * password is (`token=`; a bare part, maybe a token, goes entirely).
 */
function typedPartLeftOut(part: string): string | null {
  if (isMaskedPart(part)) return maskedPart(part);
  const equals = part.indexOf('=');
  return equals < 0 ? (part === '' ? part : null) : part.slice(0, equals + 1);
}

const leaveOutTyped = (parts: string[]) => parts.map(typedPartLeftOut).filter((part) => part !== null);

/**
 * The address a refused form shows again: a password or a query value just
 * typed is left out (like any password field, it is typed again); the masks
 * stay, as they still stand for the saved values.
 */
export function formUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.replace(CONTROL_CHARACTERS, '');
  try {
    const url = new URL(value.trim());
    if (!url.search && (!url.password || url.password === PASSWORD_MASK)) return value;
    if (url.password !== PASSWORD_MASK) url.password = '';
    return url.search ? withQuery(url, leaveOutTyped(queryParts(url))) : url.toString();
  } catch {
    // Not an address, but it may still look like scheme://user:password@…?token=…
    return value
      .replace(/^(\s*[^:/?#\s]+:\/\/[^:/?#@]*):[^/?#@]*@/, '$1@')
      .replace(/\?([^#]*)/, (_match, query: string) => `?${leaveOutTyped(query.split('&')).join('&')}`);
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

const moved = (what: string, kept: string) =>
  `Type the ${what} in the address again: ${kept} only while the user name and host stay the same.`;

/**
 * The address to save from the one a form sent: where the form showed a
 * mask (the password's `***`, a query value's `…`) and it came back, the
 * saved value, but only for the same scheme, user name, host and port (a
 * mask never carries a secret elsewhere). A masked query value is the saved
 * one of the same part (`token=…`: the saved `token`'s, first for first).
 */
export function withSavedSecrets(submitted: string, saved: string | null): { url: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(submitted);
  } catch {
    return { url: submitted };
  }
  const parts = queryParts(url);
  const maskedQuery = parts.some(isMaskedPart);
  if (url.password !== PASSWORD_MASK && !maskedQuery) return { url: submitted };
  const before = saved ? new URL(saved) : null;
  const same =
    before !== null &&
    (['protocol', 'username', 'hostname', 'port'] as const).every((part) => url[part] === before[part]);
  if (url.password === PASSWORD_MASK) {
    if (!before?.password) return { problem: 'Type the password in the address again.' };
    if (!same) return { problem: moved('password', 'the saved one is kept') };
    url.password = before.password;
  }
  if (!maskedQuery) return { url: url.toString() };
  // Each saved part, by how it is shown (`token=…`), in order.
  const savedParts = new Map<string, string[]>();
  for (const part of before ? queryParts(before) : []) {
    savedParts.set(maskedPart(part), [...(savedParts.get(maskedPart(part)) ?? []), part]);
  }
  const restored: string[] = [];
  for (const part of parts) {
    if (!isMaskedPart(part)) {
      restored.push(part);
      continue;
    }
    const equals = part.indexOf('=');
    const original = savedParts.get(equals < 0 ? QUERY_MASK : `${part.slice(0, equals)}=${QUERY_MASK}`)?.shift();
    if (original === undefined) {
      return { problem: `Type the value in the address again where it shows ${QUERY_MASK}: there is no saved one.` };
    }
    if (!same) return { problem: moved(`values shown as ${QUERY_MASK}`, 'the saved ones are kept') };
    restored.push(original);
  }
  return { url: withQuery(url, restored) };
}
