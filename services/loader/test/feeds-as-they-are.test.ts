import { startFeedServer } from '@tidings/feed-fixtures';
import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../src/decode-feed.js';
import { parseFeed } from '../src/parse-feed.js';
import { readFeed } from '../src/read-feed.js';

const UNDECLARED =
  '<rss version="2.0"><channel><title>Börse</title><link>https://latin.example.de/</link><item><title>Ölpreis über 80 Dollar: Förderländer drosseln</title><link>https://latin.example.de/oel</link><guid>l-1</guid></item></channel></rss>';

describe('feeds as they really are', () => {
  it('decodes an ISO-8859-1 body that names no charset as windows-1252, and says it guessed', async () => {
    const server = await startFeedServer({
      '/latin1': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(Buffer.from(UNDECLARED, 'latin1'));
      },
    });
    try {
      const { report, articles } = await readFeed(server.url('/latin1'), { summaryMaxChars: 500, retries: 0 });
      expect(report.error).toBeUndefined();
      expect(report.charset).toEqual({ name: 'windows-1252', guessed: true });
      expect(articles[0]?.title).toBe('Ölpreis über 80 Dollar: Förderländer drosseln');
    } finally {
      await server.close();
    }
  });

  it('reads a body that contradicts its declared charset by the guess, and says so', () => {
    const lying = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${UNDECLARED}`, 'latin1');
    const decoded = decodeFeed(lying);
    expect(decoded.text).toContain('Ölpreis über 80 Dollar');
    expect(decoded.charset).toEqual({
      name: 'windows-1252',
      guessed: true,
      note: 'the XML declaration names UTF-8 but the body is not valid utf-8; read as windows-1252',
    });
  });

  it('reads UTF-8 without a declaration as UTF-8, not guessed wrong', () => {
    const decoded = decodeFeed(Buffer.from(UNDECLARED, 'utf8'));
    expect(decoded.charset).toEqual({ name: 'utf-8', guessed: true });
    expect(decoded.text).toContain('Ölpreis');
  });

  it('parses RSS that has no version attribute', () => {
    const parsed = parseFeed(UNDECLARED.replace(' version="2.0"', ''), 'f');
    const titles = [...parsed.chunks].flat().map((r) => ('item' in r ? r.item.title : r.unreadable));
    expect(titles).toEqual(['Ölpreis über 80 Dollar: Förderländer drosseln']);
  });
});
