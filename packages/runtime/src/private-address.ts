import dns from 'node:dns';
import net from 'node:net';
import { PrivateAddressError } from './errors/private-address-error.js';

/**
 * Addresses a feed named in a request may not reach: this host, the private networks behind
 * it, link-local (where cloud metadata services answer, 169.254.169.254 and fd00:ec2::254)
 * and everything not routable on the internet.
 */
const blocked = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  // The unspecified address, loopback, and the deprecated IPv4-compatible ::a.b.c.d.
  ['::', 96],
  // IPv4-translated (SIIT) ::ffff:0:a.b.c.d, which names an IPv4 host like a mapped address.
  ['::ffff:0:0:0', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

/** An IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4), which reaches the same host. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  if (dotted) return dotted;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  const parts = hex ?? sixToFour;
  if (!parts) return undefined;
  const hi = Number.parseInt(parts[1] ?? '0', 16);
  const lo = Number.parseInt(parts[2] ?? '0', 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Why a feed named in a request may not connect to `address`, or undefined when it may. */
export function privateAddressReason(address: string): string | undefined {
  const family = net.isIP(address);
  if (family === 0) return 'is not an IP address';
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return privateAddressReason(v4);
  }
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6')
    ? 'is a loopback, private, link-local or metadata address'
    : undefined;
}

/**
 * Why an http(s) URL names a host a feed named by others may not reach by its very name
 * (`localhost`, a private IP literal, however written), or undefined. A name that only
 * resolves to such an address passes here; guardedLookup refuses it when connecting.
 */
export function privateHostReason(url: string): string | undefined {
  const host = new URL(url).hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'is this machine (localhost)';
  return net.isIP(host) !== 0 ? privateAddressReason(host) : undefined;
}

export type AddressPolicy = (address: string) => string | undefined;

/** Raised from the DNS lookup of a connection, so the socket never opens. */
export class AddressRefused extends Error {
  constructor(readonly host: string) {
    super(`${host} resolves to an address feeds named in a request may not reach`);
  }
}

/**
 * A `lookup` for http(s).request that resolves as usual and then refuses the connection if
 * any address the name resolves to is refused: checked when the socket connects, so a DNS
 * answer that changes between a check and the request (rebinding) cannot slip through.
 */
export function guardedLookup(policy: AddressPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      if (addresses.length === 0 || addresses.some((a) => policy(a.address) !== undefined)) {
        return callback(Object.assign(new AddressRefused(hostname), { code: 'EADDRREFUSED' }), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as dns.LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Checks, before it is stored, that a URL someone asked tidings to call resolves only to
 * public addresses. The connection itself is checked again (guardedLookup), since DNS may
 * answer differently later.
 */
export async function assertPublicUrl(url: string, shownUrl = url): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses =
    net.isIP(host) !== 0 ? [{ address: host }] : await dns.promises.lookup(host, { all: true }).catch(() => []);
  // A name that does not resolve now is not refused here: the delivery's own check decides later.
  if (addresses.some((a) => privateAddressReason(a.address) !== undefined)) {
    throw new PrivateAddressError(shownUrl);
  }
}
