import { formatOpml } from '@tidings/feed-list';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { subscriberPage } from '../../api/own-topic-articles.js';
import { FeedFileParamsSchema, FeedKeyParamsSchema, FeedQuerySchema } from '../../api/requests.js';
import { type UnsubscribeResult, unsubscribe, unsubscribeTarget } from '../../api/subscriptions-api.js';
import {
  type FeedDeps,
  type FeedFormat,
  type FeedListResult,
  type FeedResult,
  personalFeed,
  personalFeedList,
  topicFeed,
  topicFeedList,
} from '../../api/topic-feeds.js';
import { feedEtag, feedUpdated, renderAtom, renderJsonFeed } from '../../render/feeds.js';
import { renderSubscriberPage, renderUnsubscribe } from '../../render/subscribe.js';
import { requestBaseUrl } from '../request-base-url.js';
import { requestSchema } from '../request-schema.js';

const FEED_FILE = /^([a-z0-9-]{1,80})\.(xml|json)$/;

const CONTENT_TYPE: Record<FeedFormat, string> = {
  xml: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The feed as Atom or JSON Feed, or 304 when the reader's copy (If-None-Match, If-Modified-Since) is current. */
function sendFeed(reply: FastifyReply, request: FastifyRequest, result: FeedResult, format: FeedFormat) {
  if (result.status !== 200)
    return reply.code(result.status).type('text/plain; charset=utf-8').send(`${result.message}\n`);
  const body =
    format === 'xml' ? renderAtom(result.meta, result.articles) : renderJsonFeed(result.meta, result.articles);
  const etag = feedEtag(body);
  const updated = feedUpdated(result.articles);
  // WebSub discovery (and RFC 8288) for readers that look at headers rather than the document.
  const links = [...result.meta.hubs.map((hub) => `<${hub}>; rel="hub"`), `<${result.meta.selfUrl}>; rel="self"`];
  reply.headers({
    'content-type': CONTENT_TYPE[format],
    link: links.join(', '),
    etag,
    'last-modified': updated.toUTCString(),
    // Readers poll; the key in the URL is a secret, so no shared cache may keep the answer.
    'cache-control': 'private, max-age=300',
  });
  const ifNoneMatch = header(request.headers['if-none-match']);
  const ifModifiedSince = header(request.headers['if-modified-since']);
  const unchanged = ifNoneMatch
    ? ifNoneMatch.split(',').some((t) => t.trim() === etag)
    : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= updated.getTime();
  return unchanged ? reply.code(304).send() : reply.code(200).send(body);
}

/** An OPML subscription list, or why there is none. */
function sendFeedList(reply: FastifyReply, result: FeedListResult) {
  if (result.status !== 200)
    return reply.code(result.status).type('text/plain; charset=utf-8').send(`${result.message}\n`);
  return reply
    .code(200)
    .headers({ 'content-type': 'text/x-opml; charset=utf-8', 'cache-control': 'private, max-age=300' })
    .send(formatOpml(result.feeds, result.title));
}

/**
 * Feeds readers subscribe to, opened by their own key (readers cannot send headers): topic
 * feeds at /feeds/<slug>.xml|json and all of them as /feeds.opml, personal feeds at
 * /feeds/s/<key>.xml|json|opml, and the unsubscribe link a digest carries. The guard lets
 * these through; the key is checked here.
 */
export async function feedRoutes(
  app: FastifyInstance,
  options: {
    deps: Omit<FeedDeps, 'baseUrl'>;
    base: string;
    publicUrl: string | undefined;
    /** Days of own-topic matches the subscriber's page lists (BACKFILL_DAYS). */
    ownTopicDays: number;
  },
): Promise<void> {
  const { base } = options;
  const depsFor = (request: FastifyRequest): FeedDeps => ({
    ...options.deps,
    baseUrl: requestBaseUrl(request, options.publicUrl, base),
  });

  app.get<{ Params: z.infer<typeof FeedFileParamsSchema>; Querystring: z.infer<typeof FeedQuerySchema> }>(
    '/feeds/:file',
    { schema: { params: requestSchema(FeedFileParamsSchema), querystring: requestSchema(FeedQuerySchema) } },
    async (request, reply) => {
      const match = FEED_FILE.exec(request.params.file);
      if (!match) return reply.code(404).type('text/plain; charset=utf-8').send('no such feed\n');
      const format = match[2] as FeedFormat;
      return sendFeed(
        reply,
        request,
        await topicFeed(match[1] ?? '', format, request.query.key, depsFor(request)),
        format,
      );
    },
  );

  app.get<{ Querystring: z.infer<typeof FeedQuerySchema> }>(
    '/feeds.opml',
    { schema: { querystring: requestSchema(FeedQuerySchema) } },
    async (request, reply) => sendFeedList(reply, topicFeedList(request.query.key, depsFor(request))),
  );

  app.get<{ Params: z.infer<typeof FeedFileParamsSchema> }>(
    '/feeds/s/:file',
    { schema: { params: requestSchema(FeedFileParamsSchema) } },
    async (request, reply) => {
      const match = /^([a-f0-9]{32})\.(xml|json|opml)$/.exec(request.params.file);
      if (!match) return reply.code(404).type('text/plain; charset=utf-8').send('no such feed\n');
      const [, feedKey = '', format] = match;
      if (format === 'opml') return sendFeedList(reply, await personalFeedList(feedKey, depsFor(request)));
      const feed = format as FeedFormat;
      return sendFeed(reply, request, await personalFeed(feedKey, feed, depsFor(request)), feed);
    },
  );

  const keyParam = { schema: { params: requestSchema(FeedKeyParamsSchema) } };
  // The subscriber's page: opened by the feed key like the feed itself, read-only.
  app.get<{ Params: z.infer<typeof FeedKeyParamsSchema> }>('/s/:key', keyParam, async (request, reply) => {
    const page = await subscriberPage(request.params.key, options.ownTopicDays, depsFor(request));
    if (page.status !== 200) return reply.code(404).type('text/plain; charset=utf-8').send(`${page.message}\n`);
    return reply
      .header('cache-control', 'private, no-store')
      .type('text/html; charset=utf-8')
      .send(renderSubscriberPage({ ...page, base }));
  });
  const unsubscribePage = (reply: FastifyReply, key: string, state: 'confirm' | 'done', result: UnsubscribeResult) =>
    reply
      .code(result.status)
      .type('text/html; charset=utf-8')
      .send(
        renderUnsubscribe({
          state: result.status === 200 ? state : 'unknown',
          name: result.name,
          key,
          base,
          webhookDisabled: result.status === 200 ? result.webhookDisabled : undefined,
        }),
      );
  // GET only asks: mail scanners follow links, and must not unsubscribe anyone by doing so.
  app.get<{ Params: z.infer<typeof FeedKeyParamsSchema> }>('/unsubscribe/:key', keyParam, async (request, reply) =>
    unsubscribePage(reply, request.params.key, 'confirm', await unsubscribeTarget(request.params.key, options.deps)),
  );
  // POST does it: the page's button, or a mail client's one-click unsubscribe (RFC 8058).
  app.post<{ Params: z.infer<typeof FeedKeyParamsSchema> }>('/unsubscribe/:key', keyParam, async (request, reply) =>
    unsubscribePage(reply, request.params.key, 'done', await unsubscribe(request.params.key, options.deps)),
  );
}
