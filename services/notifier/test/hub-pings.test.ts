import { loadConfig } from '@tidings/shared';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../src/errors/delivery-error.js';
import { hubPing } from '../src/ping-hub.js';

const config = loadConfig({
  WEBSUB_HUB_URLS: 'https://hub.example/,https://second.example/hub',
  DASHBOARD_PUBLIC_URL: 'https://news.example.org/',
  DASHBOARD_TOKEN: 'hub-pings-token-0123456789',
});

describe('a WebSub ping job', () => {
  it('names the feed as the feed names itself: the public address, with the topic feeds’ key', () => {
    const ping = hubPing({ kind: 'websub', hub: 1, feed: 'oil-or-gas', extension: 'json' }, config);
    expect(ping.hubUrl).toBe('https://second.example/hub');
    expect(ping.feedUrl).toMatch(/^https:\/\/news\.example\.org\/feeds\/oil-or-gas\.json\?key=[a-f0-9]{32}$/);
  });

  it.each([
    [{ kind: 'websub' as const, hub: 2, feed: 'crypto', extension: 'atom' as const }, 'no WEBSUB_HUB_URLS entry 2'],
    [
      { kind: 'websub' as const, hub: 0, feed: 'not-a-topic', extension: 'atom' as const },
      "no topic feed 'not-a-topic'",
    ],
  ])('pings nothing the configuration does not name: %o', (destination, message) => {
    let error: unknown;
    try {
      hubPing(destination, config);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).retryable).toBe(false);
    expect((error as Error).message).toContain(message);
  });
});
