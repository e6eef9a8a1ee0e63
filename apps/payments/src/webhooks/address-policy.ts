import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';

/** Why an address may not be reached: the range it falls in (ipaddr.js's name for it). */
export class AddressRefused extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';
  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super(`the webhook address ${address} is ${range}, not public, and not allowed`);
  }
}

/**
 * Which addresses a webhook delivery may connect to: public unicast only, unless an operator
 * allows a range (WEBHOOK_ALLOWED_CIDRS). Loopback, private, link-local (the cloud metadata
 * address 169.254.169.254 among them), carrier-grade NAT, unique-local, multicast, reserved and
 * unspecified addresses are refused. An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged
 * as the IPv4 address it reaches.
 */
export class AddressPolicy {
  private readonly allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  /** @throws Error naming the first entry that is not a CIDR range. */
  constructor(allowedCidrs: readonly string[] = []) {
    this.allowed = allowedCidrs.map((cidr) => {
      try {
        const [address, bits] = ipaddr.parseCIDR(cidr.trim());
        return [
          unmapped(address),
          address.kind() === 'ipv6' && unmapped(address).kind() === 'ipv4' ? bits - 96 : bits,
        ];
      } catch {
        throw new Error(`${cidr} is not a CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`);
      }
    });
  }

  /** Returns when `address` may be reached (IPv4-mapped judged as IPv4); else AddressRefused. */
  check(address: string): void {
    const parsed = unmapped(ipaddr.parse(address));
    if (this.allowed.some(([range, bits]) => sameKind(parsed, range) && parsed.match(range, bits)))
      return;
    const range = parsed.range();
    if (range !== 'unicast') throw new AddressRefused(address, range);
  }

  /**
   * A `lookup` for net.connect (undici's `connect` options): every address DNS returns is checked,
   * and the one connected to is one of them, so the address checked is the address used. A name
   * with any refused address is refused whole: a resolver that mixes public and private answers
   * is not one to pick from.
   */
  readonly lookup = (
    hostname: string,
    options: { family?: number | string; all?: boolean },
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      try {
        for (const a of addresses) this.check(a.address);
      } catch (refused) {
        return callback(refused as Error, '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      callback(null, first.address, first.family);
    });
  };

  /** Checks a URL's host when it is an address literal (net.connect calls no lookup for those). */
  checkLiteralHost(hostname: string): void {
    const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    if (isIP(host)) this.check(host);
  }
}

function unmapped(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

function sameKind(a: ipaddr.IPv4 | ipaddr.IPv6, b: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return a.kind() === b.kind();
}

/**
 * undici's connector (an Agent's `connect`) under the policy: an address literal is checked
 * before connecting, a name at lookup. Redirects are the caller's: a delivery follows none.
 */
export function guardedConnector(policy: AddressPolicy): buildConnector.connector {
  const connect = buildConnector({ lookup: policy.lookup } as buildConnector.BuildOptions);
  return (options, callback) => {
    try {
      policy.checkLiteralHost(options.hostname);
    } catch (refused) {
      return callback(refused as Error, null);
    }
    return connect(options, callback);
  };
}
