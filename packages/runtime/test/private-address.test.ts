import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertPublicUrl,
  guardedLookup,
  PrivateAddressError,
  privateAddressReason,
  privateHostReason,
} from '../src/index.js';

/**
 * The outbound guard: what a feed named in a request, or a subscriber's webhook, may reach.
 * A row that passes here lets a request read this host, its network or a cloud metadata service.
 */
const REFUSED: [network: string, addresses: string[]][] = [
  ['127.0.0.0/8 loopback', ['127.0.0.1', '127.0.0.53', '127.255.255.254']],
  ['10.0.0.0/8', ['10.0.0.1', '10.255.255.255']],
  ['172.16.0.0/12', ['172.16.0.1', '172.20.10.5', '172.31.255.255']],
  ['192.168.0.0/16', ['192.168.0.1', '192.168.255.255']],
  ['169.254.0.0/16 link-local and metadata', ['169.254.169.254', '169.254.0.1']],
  ['100.64.0.0/10 carrier-grade NAT', ['100.64.0.1', '100.127.255.254']],
  ['0.0.0.0/8 this host', ['0.0.0.0', '0.1.2.3']],
  ['::1 and :: (any spelling)', ['::1', '0:0:0:0:0:0:0:1', '0000::1', '::']],
  ['fc00::/7 unique local', ['fc00::1', 'fd00:ec2::254', 'fdff:ffff::1']],
  ['fe80::/10 link-local', ['fe80::1', 'febf::1', 'fe80::1%eth0']],
  [
    'IPv4-mapped IPv6 of a private address',
    [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::FFFF:7F00:1',
      '0:0:0:0:0:ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '::ffff:10.0.0.1',
    ],
  ],
  ['IPv4-compatible and -translated IPv6', ['::127.0.0.1', '::7f00:1', '::ffff:0:127.0.0.1', '::ffff:0:a9fe:a9fe']],
  [
    'NAT64 and 6to4 of a private address',
    ['64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', '2002:a00:1::'],
  ],
  ['decimal, octal and hex spellings (not IP addresses at all)', ['2130706433', '0177.0.0.1', '0x7f.0.0.1', '127.1']],
];

const ALLOWED = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '172.15.255.255',
  '172.32.0.1',
  '192.169.0.1',
  '100.63.255.255',
  '100.128.0.1',
  '11.0.0.1',
  '::ffff:8.8.8.8',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  'fbff::1',
];

describe('privateAddressReason', () => {
  describe.each(REFUSED)('refuses %s', (_network, addresses) => {
    it.each(addresses)('%s', (address) => {
      expect(privateAddressReason(address)).toBeDefined();
    });
  });

  it.each(ALLOWED)('lets public address %s pass', (address) => {
    expect(privateAddressReason(address)).toBeUndefined();
  });
});

describe('privateHostReason', () => {
  it.each([
    'http://localhost/feed',
    'http://LOCALHOST./feed',
    'http://feeds.localhost/rss',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::1]:8080/',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'https://user:pw@192.168.1.10/rss',
  ])('refuses %s by its host as written', (url) => {
    expect(privateHostReason(url)).toBeDefined();
  });

  it.each([
    'https://feeds.example.org/rss',
    'http://8.8.8.8/',
    'http://[2606:4700:4700::1111]/',
    'http://localhost.example/',
  ])('lets %s pass (a name is checked again when it resolves)', (url) => {
    expect(privateHostReason(url)).toBeUndefined();
  });
});

describe('assertPublicUrl', () => {
  it.each([
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://017700000001/',
    'http://0/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:a9fe:a9fe]/latest/meta-data/',
    'https://169.254.169.254/',
    'http://localhost:6379/',
  ])('refuses %s, whatever spelling of a private host it uses', async (url) => {
    await expect(assertPublicUrl(url)).rejects.toThrow(PrivateAddressError);
  });

  it('names the URL as it may be shown, with the fix', async () => {
    const error = await assertPublicUrl('http://user:secret@10.1.2.3/hook', 'http://user:***@10.1.2.3/hook').catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(PrivateAddressError);
    expect(error.code).toBe('TIDINGS_PRIVATE_ADDRESS');
    expect(error.message).toContain('http://user:***@10.1.2.3/hook');
    expect(error.message).not.toContain('secret');
    expect(error.message).toMatch(/FEED_ALLOW_PRIVATE/);
  });

  it('accepts a public address', async () => {
    await expect(assertPublicUrl('https://8.8.8.8/hook')).resolves.toBeUndefined();
  });
});

describe('guardedLookup on a real connection', () => {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.end('secret');
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (host: string, policy = privateAddressReason) =>
    new Promise<string>((resolve, reject) => {
      http
        .get({ host, port, path: '/', lookup: guardedLookup(policy) }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        })
        .on('error', (err: NodeJS.ErrnoException) => reject(err));
    });

  it.each(['localhost', '2130706433', '0177.0.0.1', '0x7f.1', '127.1', '017700000001'])(
    'never opens a socket to this host named %s',
    async (host) => {
      await expect(get(host)).rejects.toMatchObject({ code: 'EADDRREFUSED' });
      expect(hits).toBe(0);
    },
  );

  it('connects when the policy allows the address (the same server, so the refusals above are the guard)', async () => {
    await expect(get('localhost', () => undefined)).resolves.toBe('200');
    expect(hits).toBe(1);
  });
});
