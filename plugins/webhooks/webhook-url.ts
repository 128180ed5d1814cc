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

/** The address as pages and the audit log show it: a password in it is masked. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw;
  }
}
