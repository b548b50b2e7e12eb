import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to its addresses (dns.lookup by default; the tests stub it). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * Only globally routable unicast addresses pass: loopback, private (RFC 1918, fc00::/7),
 * link-local (169.254/16 with the cloud metadata address, fe80::/10), CGNAT, multicast,
 * reserved and the IPv6 forms that embed an IPv4 address are refused.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

export class AddressRefusedError extends Error {
  constructor(hostname: string, address: string) {
    super(
      `refused: ${hostname} resolves to ${address}, a non-public address (set WEBHOOK_ALLOW_PRIVATE_URLS=true to allow)`,
    );
  }
}

/**
 * A `lookup` for http.request that checks every resolved address before the socket connects:
 * the check happens at delivery time, on the very addresses the connection uses, so a DNS
 * answer that changes after the endpoint was registered (rebinding) cannot reach a private host.
 */
export function guardedLookup(resolve: Resolver, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
        if (refused) return callback(new AddressRefusedError(hostname, refused.address), '', 0);
        if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', 0);
        const family = typeof options === 'object' ? options.family : undefined;
        const usable = addresses.filter((a) => !family || a.family === family);
        if (typeof options === 'object' && options.all) return callback(null, usable as never, 0);
        return callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}
