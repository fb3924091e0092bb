import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CNBC_FIXTURE, FIXTURES } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedXmlReader } from '../src/feed-xml-reader.js';
import { readFeed } from '../src/read-feed.js';

const now = new Date('2026-11-25T06:00:00Z');
const read = (name: string) => readFeed(path.join(FIXTURES, 'feeds', name), { summaryMaxChars: 1000, now });

describe('the shared CNBC-shaped fixture', () => {
  it('parses to exactly the expected articles', async () => {
    const { report, articles } = await readFeed(CNBC_FIXTURE, { summaryMaxChars: 1000, now });
    expect(report).toMatchObject({
      status: 'ok',
      fetched: 14,
      kept: 12,
      dropped: { sponsored: 1, duplicate: 1, empty: 0 },
    });
    expect(articles.map((a) => a.title)).toEqual([
      'Bitcoin slides below $80,000 as crypto ETF outflows mount',
      'SEC charges trading firm over hidden fees charged to retail customers',
      'These utility stocks just raised their dividends for the 20th year in a row',
      'Fed’s preferred inflation gauge cooled in October, giving officials room to cut rates',
      'Oil jumps 3% after OPEC+ delays planned output increase; natural gas futures climb',
      'Fintech lender prices IPO above range, valuing company at $9 billion ahead of Nasdaq debut',
      'Senate Republicans and Democrats clash over bank capital rules ahead of key vote',
      "Warren Buffett's Berkshire Hathaway sits on record cash pile as it trims Apple stake again",
      'Stocks making the biggest moves midday: Nvidia, Walmart, Palo Alto Networks and more',
      'Airports brace for a record Thanksgiving travel week',
      'Cramer says chip stocks still have room to run',
      'Treasury yields edge higher as traders weigh the economic outlook',
    ]);
    const byTitle = (start: string) => articles.find((a) => a.title.startsWith(start))!;
    expect(byTitle('SEC charges').link).toBe(
      'https://www.cnbc.com/2026/11/24/sec-charges-trading-firm-over-hidden-fees.html',
    );
    expect(byTitle('SEC charges').summary).toContain('the firm & two executives');
    expect(byTitle('These utility').summary).toBe(
      'Income investors looking for reliable payouts may want to consider these names, which yield more than 4%.',
    );
    expect(byTitle('Treasury').summary).toContain('jobs data <and> Fed commentary');
    expect(byTitle('Cramer')).toMatchObject({ summary: '', published: '2026-11-24T23:40:00.000Z' });
    expect(articles.every((a) => !a.publishedEstimated && a.fetchedAt === now.toISOString())).toBe(true);
    expect(new Set(articles.map((a) => a.id)).size).toBe(12);
  });
});

describe('feed formats and quirks', () => {
  it('reads Atom, with content or summary, and a broken date as the fetch time', async () => {
    const { report, articles } = await read('atom.xml');
    expect(report.status).toBe('ok');
    expect(articles.map((a) => [a.title, a.summary, a.published, a.publishedEstimated])).toEqual([
      ['Coinbase shares jump as bitcoin rallies', 'Crypto exchange stock rose 8%.', '2026-11-24T15:00:00.000Z', false],
      ['OPEC meeting ends without a deal', 'Crude oil fell.', '2026-11-24T15:30:00.000Z', false],
      ['A story with a broken date', "The feed's date cannot be read.", now.toISOString(), true],
    ]);
  });

  it('reads RSS 1.0 / RDF with dc:date', async () => {
    const { articles } = await read('rss1-rdf.xml');
    expect(articles.map((a) => [a.title, a.published])).toEqual([
      ['Chipmaker files for IPO', '2026-11-24T10:00:00.000Z'],
      ['Senate passes tariff bill', '2026-11-24T11:00:00.000Z'],
    ]);
  });

  it('decodes a declared ISO-8859-1 body', async () => {
    const { articles } = await read('latin1.xml');
    expect(articles[0]?.title).toBe('Ölpreis steigt: Brent über 80 Dollar');
    expect(articles[0]?.summary).toContain('Förderländer');
    expect(articles[0]?.published).toBe('2026-11-24T07:00:00.000Z');
  });

  it('turns HTML in CDATA into clean text', async () => {
    const { articles } = await read('cdata-html.xml');
    expect(articles[0]?.title).toBe('Dividend aristocrats & their "payouts"');
    expect(articles[0]?.summary).toBe('Three companies raised payouts. Read more — today.');
  });

  it('flags missing and invalid dates', async () => {
    const { articles } = await read('missing-dates.xml');
    expect(articles.map((a) => a.publishedEstimated)).toEqual([true, true, false]);
    expect(articles[2]?.published).toBe('2026-11-24T07:30:00.000Z');
  });

  it('identifies guid-less items by their link without tracking parameters', async () => {
    const { report, articles } = await read('missing-guids.xml');
    expect(report.dropped).toEqual({ sponsored: 0, empty: 1, duplicate: 1, unreadable: 0 });
    expect(articles.map((a) => a.link)).toEqual([
      'https://guids.example.com/story?id=7',
      'https://guids.example.com/story?id=8',
    ]);
  });

  it('resolves relative links against the channel link', async () => {
    const { articles } = await read('relative-links.xml');
    expect(articles.map((a) => a.link)).toEqual([
      'https://rel.example.com/news/2026/story.html',
      'https://rel.example.com/markets/story.html',
      '',
    ]);
  });
});

describe('documents that are refused with a clear error', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bad-feeds-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const XML_HEAD =
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title><link>https://x.example/</link>';
  const written = (name: string, body: string | Buffer) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, body);
    return file;
  };

  it.each([
    ['html-page.html', 'FEED_NOT_A_FEED', 'got an HTML page, not an RSS, Atom or JSON feed'],
    ['not-a-feed.xml', 'FEED_NOT_A_FEED', 'not RSS 0.9-2.0, RSS 1.0/RDF or Atom'],
    ['truncated.xml', 'FEED_MALFORMED', 'the XML is malformed'],
    ['entity-bomb.xml', 'FEED_UNSAFE_XML', 'declares XML entities'],
    ['external-entity.xml', 'FEED_UNSAFE_XML', 'declares XML entities'],
    ['no-such-file.xml', 'FEED_FILE_NOT_FOUND', 'cannot open the file (ENOENT)'],
  ])('%s → %s', async (name, code, message) => {
    const { report, articles } = await read(name);
    expect(articles).toEqual([]);
    expect(report.status).toBe('failed');
    expect(report.error?.code).toBe(code);
    expect(report.error?.message).toContain(name);
    expect(report.error?.message).toContain(message);
  });

  // Moved here from the bad-input corpus (test/faults/bad-input.ts): parsing cases with one clear error.
  it.each([
    [
      // Without a declared charset it is read as windows-1252 (as browsers do), then refused as XML.
      'binary body',
      'FEED_MALFORMED',
      'the XML is malformed',
      () => Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => i % 256)),
    ],
    ['empty body', 'FEED_MALFORMED', 'the XML is malformed', () => ''],
  ])('%s → %s', async (name, code, message, body) => {
    const file = written(`${name.replace(/\W+/g, '-')}.xml`, body());
    const { report, articles } = await readFeed(file, { summaryMaxChars: 1000, now });
    expect(articles).toEqual([]);
    expect(report.error?.code).toBe(code);
    expect(report.error?.message).toContain(file);
    expect(report.error?.message).toContain(message);
  });

  // Refused until the decoder learnt to set a wrong declaration aside (decode-feed.test.ts).
  const ITEM = '<item><title>Börse Ölpreis</title><link>https://x.example/oel</link><guid>oel</guid></item>';
  it.each([
    [
      'Latin-1 bytes declared UTF-8',
      () => Buffer.from(`${XML_HEAD}${ITEM}</channel></rss>`, 'latin1'),
      'the XML declaration names UTF-8 but the body is not valid utf-8; read as windows-1252',
    ],
    [
      'an unknown charset',
      () => `${XML_HEAD.replace('UTF-8', 'klingon-8')}${ITEM}</channel></rss>`,
      "the XML declaration names an unknown encoding 'klingon-8'; read as utf-8",
    ],
  ])('reads %s, and the report says how', async (name, body, note) => {
    const file = written(`${name.replace(/\W+/g, '-')}.xml`, body());
    const { report, articles } = await readFeed(file, { summaryMaxChars: 1000, now });
    expect(report.error).toBeUndefined();
    expect(report.charset?.note).toBe(note);
    expect(articles.map((a) => a.title)).toEqual(['Börse Ölpreis']);
  });

  it('keeps fixtures for every case it claims', () => {
    const files = fs.readdirSync(path.join(FIXTURES, 'feeds'));
    expect(files.length).toBeGreaterThanOrEqual(12);
  });
});

/**
 * Each document points an external entity (or an external DTD) at a loopback server that
 * counts every connection, and at a temp file holding a random sentinel. Neither may be
 * touched, and the sentinel may appear nowhere in what the parse returns or throws.
 */
describe('external entities are never read', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-xxe-'));
  const sentinel = `sentinel-${randomBytes(8).toString('hex')}`;
  const secretFile = path.join(tmp, 'secret.txt');
  fs.writeFileSync(secretFile, sentinel);
  let connections = 0;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    // Were the DTD or entity fetched, it would hand the sentinel over.
    res.writeHead(200, { 'content-type': 'application/xml-dtd' }).end(`<!ENTITY xxe "${sentinel}">`);
  });
  server.on('connection', () => connections++);
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const item = '<item><title>&xxe;</title><guid>1</guid><description>&xxe;</description></item>';
  const rss = (doctype: string) =>
    `<?xml version="1.0"?>\n${doctype}\n<rss version="2.0"><channel><title>XXE</title>${item}</channel></rss>`;
  const documents = () => ({
    'an entity on a file': rss(`<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://${secretFile}"> ]>`),
    'an entity on a URL': rss(`<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "${base}/entity"> ]>`),
    'a parameter entity on a URL': rss(`<!DOCTYPE rss [ <!ENTITY % dtd SYSTEM "${base}/param.dtd"> %dtd; ]>`),
    // No <!ENTITY in the document: the guard lets it through to the parser.
    'an external DTD on a URL': rss(`<!DOCTYPE rss SYSTEM "${base}/external.dtd">`),
    'an external DTD on a file': rss(`<!DOCTYPE rss SYSTEM "file://${secretFile}">`),
  });
  const names = Object.keys(documents()) as (keyof ReturnType<typeof documents>)[];

  it('has a server that would count a read and a sentinel that would show', async () => {
    const before = connections;
    expect(await (await fetch(`${base}/probe`)).text()).toContain(sentinel);
    expect(connections).toBe(before + 1);
    expect(requests.at(-1)).toBe('/probe');
    expect(fs.readFileSync(secretFile, 'utf8')).toBe(sentinel);
    requests.length = 0;
    connections = 0;
  });

  it.each(names)('through readFeed, with the guard: %s', async (name) => {
    const file = path.join(tmp, `${name.replace(/\W+/g, '-')}.xml`);
    fs.writeFileSync(file, documents()[name]);
    const result = await readFeed(file, { summaryMaxChars: 1000, now });
    expect(JSON.stringify(result)).not.toContain(sentinel);
    expect(result.articles.flatMap((a) => [a.title, a.summary]).join('')).not.toContain(sentinel);
    expect(connections, `connections while reading ${name}`).toBe(0);
    expect(requests).toEqual([]);
  });

  it.each(names)('in the parser alone, without the guard: %s', (name) => {
    const reader = new FeedXmlReader(undefined);
    reader.write(documents()[name]);
    reader.end();
    const outcome = JSON.stringify([reader.feedElements, reader.takeItems(), reader.errors]);
    expect(outcome).toContain('XXE');
    expect(outcome).not.toContain(sentinel);
    expect(connections, `connections while parsing ${name}`).toBe(0);
    expect(requests).toEqual([]);
  });
});
