import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/** What an operator may allow beyond the default rule (WebhookSettings). */
export interface AddressPolicy {
  /** 127.0.0.0/8 and ::1 (WEBHOOKS_ALLOW_LOOPBACK=on). */
  allowLoopback: boolean;
}

export type RefusedKind = 'loopback' | 'link-local' | 'cloud metadata' | 'unspecified' | 'multicast' | 'broadcast';

// Webhooks reach services on the operator's networks (10/8, 172.16/12,
// 192.168/16, fc00::/7 are fine: SeatDesk runs on-premise). What no webhook
// has a reason to reach: this machine's own services, the link-local
// network (where cloud metadata lives), "any" addresses and group addresses.
function refusedIPv4(a: number, b: number, c: number, d: number, policy: AddressPolicy): RefusedKind | null {
  if (a === 127) return policy.allowLoopback ? null : 'loopback';
  // 0.0.0.0/8, "this network": 0.0.0.0 reaches this machine on Linux.
  if (a === 0) return 'unspecified';
  if (a === 169 && b === 254) return 'link-local';
  // Alibaba Cloud's metadata service lives outside link-local.
  if (a === 100 && b === 100 && c === 100 && d === 200) return 'cloud metadata';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'broadcast';
  return null;
}

/** The eight 16-bit groups of an IPv6 address that `isIP` accepted (a zone is ignored). */
function ipv6Groups(ip: string): number[] {
  let text = ip.split('%')[0];
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    // A trailing dotted quad is the last two groups.
    const [a, b, c, d] = tail.split('.').map(Number);
    text = `${text.slice(0, -tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const zeros = rest === undefined ? [] : Array<string>(Math.max(8 - left.length - right.length, 0)).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

function refusedIPv6(ip: string, policy: AddressPolicy): RefusedKind | null {
  const g = ipv6Groups(ip);
  const zeroUpTo = (n: number) => g.slice(0, n).every((group) => group === 0);
  const v4 = () => refusedIPv4(g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff, policy);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return policy.allowLoopback ? null : 'loopback';
  // IPv4 written as IPv6 reaches the IPv4 address: ::ffff:a.b.c.d (mapped),
  // ::a.b.c.d (compatible), ::ffff:0:a.b.c.d (translated), 64:ff9b::a.b.c.d (NAT64).
  if (zeroUpTo(5) && g[5] === 0xffff) return v4();
  if (zeroUpTo(6)) return v4();
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return v4();
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) return v4();
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  // The one private (fc00::/7) address that is not a service of the operator's: EC2's metadata.
  if (g.join(':') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':')) return 'cloud metadata';
  return null;
}

/** Why SeatDesk will not send to this IP address, or null when it may. */
export function refusedAddress(ip: string, policy: AddressPolicy): RefusedKind | null {
  const family = isIP(ip);
  if (family === 4) {
    const [a, b, c, d] = ip.split('.').map(Number);
    return refusedIPv4(a, b, c, d, policy);
  }
  return family === 6 ? refusedIPv6(ip, policy) : null;
}

/** A host name that always means this machine (RFC 6761): refused without asking DNS. */
const isLocalhostName = (host: string) => /(^|\.)localhost\.?$/i.test(host);

/**
 * Why a saved address's host is refused, for the form, or null. Only what
 * is certain without DNS: an IP address or `localhost`. Names are checked
 * again, resolved, at every delivery.
 */
export function savedHostProblem(url: string, policy: AddressPolicy): string | null {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return null;
  }
  const kind = isIP(hostname)
    ? refusedAddress(hostname, policy)
    : isLocalhostName(hostname) && !policy.allowLoopback
      ? 'loopback'
      : null;
  return kind ? `The address ${hostname.toLowerCase()} is not allowed (${kind}).` : null;
}

/** A delivery refused before any connection: final, never retried. */
export class AddressRefusedError extends Error {
  readonly code = 'EWEBHOOKADDRESS';
}

/** dns.lookup's shape, so tests can answer for a name. */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * The `lookup` for the request's socket: resolves the name once, refuses it
 * if any of its addresses is refused, and hands the socket exactly the
 * addresses it checked, so a second answer (DNS rebinding) never reaches it.
 */
export function vettedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const { address } of addresses) {
        const kind = refusedAddress(address, policy);
        if (kind) {
          return callback(
            new AddressRefusedError(`The address ${address} of ${hostname} is not allowed (${kind}).`),
            '',
            0,
          );
        }
      }
      if (addresses.length === 0) {
        return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * Why SeatDesk will not connect to `url`'s host when it is an IP address
 * (sockets skip `lookup` for those), or null. Names go through vettedLookup.
 */
export function literalHostRefusal(url: URL, policy: AddressPolicy): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!isIP(host)) return null;
  const kind = refusedAddress(host, policy);
  return kind ? `The address ${host} is not allowed (${kind}).` : null;
}
