import { describe, expect, it } from 'vitest';
import {
  deliveryId,
  FEED_EXTENSIONS,
  feedFormatOf,
  isFeedExtension,
  NotifyJobSchema,
  personalFeedUrl,
  topicFeedUrl,
} from '../src/index.js';

const RUN = '2026-11-24T06-00-00-000Z-scheduled';

describe('feed formats', () => {
  it('serve Atom at .atom and its former .xml, JSON Feed at .json, and nothing else', () => {
    expect(FEED_EXTENSIONS).toEqual(['atom', 'json', 'xml']);
    expect(feedFormatOf('atom')).toBe('atom');
    expect(feedFormatOf('xml')).toBe('atom');
    expect(feedFormatOf('json')).toBe('json');
    expect(['rss', 'XML', '', 'opml'].filter(isFeedExtension)).toEqual([]);
  });

  it('name their URLs by extension, a topic feed with its key, a personal feed by its own', () => {
    expect(topicFeedUrl('https://news.example.org/', undefined, 'crypto', 'atom')).toBe(
      'https://news.example.org/feeds/crypto.atom',
    );
    expect(topicFeedUrl('https://news.example.org/', 'feeds-token-0123456789', 'crypto', 'xml')).toMatch(
      /^https:\/\/news\.example\.org\/feeds\/crypto\.xml\?key=[a-f0-9]{32}$/,
    );
    expect(personalFeedUrl('https://news.example.org/', 'a'.repeat(32), 'json')).toBe(
      `https://news.example.org/feeds/s/${'a'.repeat(32)}.json`,
    );
  });
});

describe('a WebSub ping job', () => {
  it('names the feed URL by extension, and keeps the delivery id it had', () => {
    const job = NotifyJobSchema.parse({
      runId: RUN,
      destination: { kind: 'websub', hub: 0, feed: 'crypto', extension: 'atom' },
    });
    expect(job.destination).toEqual({ kind: 'websub', hub: 0, feed: 'crypto', extension: 'atom' });
    expect(deliveryId(job)).toBe(`${RUN}.websub.hub0.crypto.atom`);
  });

  it('queued before Atom had its own extension (`format: "xml"`), still pings the .xml URL it meant, under its old id', () => {
    const job = NotifyJobSchema.parse({
      runId: RUN,
      destination: { kind: 'websub', hub: 1, feed: 'all', format: 'xml' },
    });
    expect(job.destination).toEqual({ kind: 'websub', hub: 1, feed: 'all', extension: 'xml' });
    expect(deliveryId(job)).toBe(`${RUN}.websub.hub1.all.xml`);
  });

  it('without an extension, or with one no format has, is refused naming the field', () => {
    for (const destination of [
      { kind: 'websub', hub: 0, feed: 'crypto' },
      { kind: 'websub', hub: 0, feed: 'crypto', extension: 'rss' },
    ]) {
      const parsed = NotifyJobSchema.safeParse({ runId: RUN, destination });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['destination', 'extension']);
    }
  });
});
