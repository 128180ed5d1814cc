import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';

/** What an operator may allow beyond the default rule (WebhookSettings). */
export interface AddressPolicy {
  /** This machine: 127.0.0.0/8, ::1 and its own interfaces' addresses (WEBHOOKS_ALLOW_LOOPBACK=on). */
  allowLoopback: boolean;
}

export type RefusedKind =
  'loopback' | 'this machine' | 'link-local' | 'cloud metadata' | 'unspecified' | 'multicast' | 'broadcast';

type Family = 'ipv4' | 'ipv6';

/**
 * Adds an IPv4 network and every IPv6 spelling that reaches it: mapped
 * (::ffff:a.b.c.d), translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d),
 * 6to4 (2002:AABB:CCDD::/48) and, except for 0.0.0.0/8 (whose range holds
 * ::1 and ::), compatible (::a.b.c.d).
 */
function addIPv4(list: BlockList, network: string, prefix: number): void {
  list.addSubnet(network, prefix, 'ipv4');
  for (const form of ['::ffff:', '::ffff:0:', '64:ff9b::']) list.addSubnet(`${form}${network}`, 96 + prefix, 'ipv6');
  if (!network.startsWith('0.')) list.addSubnet(`::${network}`, 96 + prefix, 'ipv6');
  const [a, b, c, d] = network.split('.').map(Number);
  const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
  list.addSubnet(`2002:${hex(a, b)}:${hex(c, d)}::`, 16 + prefix, 'ipv6');
}

/** One BlockList for a kind of refused address, from `a.b.c.d/n` and IPv6 `x::/n` rules. */
function blockList(rules: string[], more?: (list: BlockList) => void): BlockList {
  const list = new BlockList();
  for (const rule of rules) {
    const [network, prefix] = rule.split('/');
    if (isIP(network) === 4) addIPv4(list, network, Number(prefix ?? 32));
    else list.addSubnet(network, Number(prefix ?? 128), 'ipv6');
  }
  more?.(list);
  return list;
}

// Webhooks reach services on the operator's networks (10/8, 172.16/12,
// 192.168/16, 100.64/10, fc00::/7 are fine: SeatDesk runs on-premise). What
// no webhook has a reason to reach: this machine's own services, the
// link-local network (where cloud metadata lives), "any" addresses and
// group addresses.
const LOOPBACK = blockList(['127.0.0.0/8', '::1/128']);
const REFUSED: [RefusedKind, BlockList][] = [
  // 0.0.0.0/8, "this network": 0.0.0.0 reaches this machine on Linux. ::/96
  // (IPv4-compatible 0.x.x.x) as a range, as it holds ::1 (loopback above).
  ['unspecified', blockList(['0.0.0.0/8', '::/128'], (list) => list.addRange('::2', '::ff:ffff', 'ipv6'))],
  ['link-local', blockList(['169.254.0.0/16', 'fe80::/10'])],
  // Alibaba Cloud's metadata service lives outside link-local; EC2's IPv6 one in fc00::/7.
  ['cloud metadata', blockList(['100.100.100.200/32', 'fd00:ec2::254/128'])],
  ['multicast', blockList(['224.0.0.0/4', 'ff00::/8'])],
  ['broadcast', blockList(['255.255.255.255/32'])],
];

/** This machine's own addresses (every interface, as it is now), in every spelling. */
function ownAddresses(): BlockList {
  const list = new BlockList();
  for (const address of Object.values(networkInterfaces()).flat()) {
    if (!address) continue;
    const ip = address.address.split('%')[0];
    if (isIP(ip) === 4) addIPv4(list, ip, 32);
    else if (isIP(ip) === 6) list.addAddress(ip, 'ipv6');
  }
  return list;
}

/** Why SeatDesk will not send to this IP address, or null when it may. */
export function refusedAddress(ip: string, policy: AddressPolicy): RefusedKind | null {
  // A zone (fe80::1%eth0) names the interface, not the address.
  const address = ip.split('%')[0];
  const family = isIP(address);
  if (family === 0) return null;
  const type: Family = family === 4 ? 'ipv4' : 'ipv6';
  if (!policy.allowLoopback) {
    if (LOOPBACK.check(address, type)) return 'loopback';
    if (ownAddresses().check(address, type)) return 'this machine';
  }
  for (const [kind, list] of REFUSED) if (list.check(address, type)) return kind;
  return null;
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
