import { describe, expect, it } from 'vitest';
import { redactRequestPath } from '../src/mask-url.js';

const KEY = '0123456789abcdef0123456789abcdef';

describe('redactRequestPath', () => {
  it.each([
    [`/s/${KEY}`, '/s/****'],
    [`/feeds/s/${KEY}.xml`, '/feeds/s/****.xml'],
    [`/unsubscribe/${KEY}`, '/unsubscribe/****'],
    [`/feeds/crypto.xml?key=${KEY}`, '/feeds/crypto.xml?key=****'],
    [`/feeds.opml?key=${KEY}&x=1`, '/feeds.opml?key=****&x=1'],
    ['/api/topics?hours=24', '/api/topics?hours=24'],
    ['/api/subscriptions/sub-0123456789abcdef', '/api/subscriptions/sub-0123456789abcdef'],
  ])('%s is logged as %s', (path, logged) => {
    expect(redactRequestPath(path)).toBe(logged);
  });
});
