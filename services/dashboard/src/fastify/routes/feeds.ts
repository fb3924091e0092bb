import { formatOpml } from '@tidings/feed-list';
import { ownTopicThreshold } from '@tidings/feedback';
import { FEED_FORMATS, type FeedFormat, feedFormatOf, isFeedExtension, ownTopicId } from '@tidings/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { subscriberPage } from '../../api/own-topic-articles.js';
import { FeedFileParamsSchema, FeedKeyParamsSchema, FeedQuerySchema } from '../../api/requests.js';
import { type UnsubscribeResult, unsubscribe, unsubscribeTarget } from '../../api/subscriptions-api.js';
import {
  type FeedDeps,
  type FeedListResult,
  type FeedResult,
  personalFeed,
  personalFeedList,
  topicFeed,
  topicFeedList,
} from '../../api/topic-feeds.js';
import { FEED_RENDERERS, feedEtag, feedUpdated } from '../../render/feeds.js';
import { renderSubscriberPage, renderUnsubscribe } from '../../render/subscribe.js';
import { requestSchema } from '../request-schema.js';
import { requestBaseUrl } from '../site.js';

const TOPIC_FEED_FILE = /^([a-z0-9-]{1,80})\.([a-z]+)$/;
const PERSONAL_FEED_FILE = /^([a-f0-9]{32})\.([a-z]+)$/;

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The feed in its format, or 304 when the reader's copy (If-None-Match, If-Modified-Since) is current. */
function sendFeed(reply: FastifyReply, request: FastifyRequest, result: FeedResult, format: FeedFormat) {
  if (result.status !== 200)
    return reply.code(result.status).type('text/plain; charset=utf-8').send(`${result.message}\n`);
  const body = FEED_RENDERERS[format](result.meta, result.articles);
  const etag = feedEtag(body);
  const updated = feedUpdated(result.articles);
  // WebSub discovery (and RFC 8288) for readers that look at headers rather than the document.
  const links = [...result.meta.hubs.map((hub) => `<${hub}>; rel="hub"`), `<${result.meta.selfUrl}>; rel="self"`];
  reply.headers({
    'content-type': `${FEED_FORMATS[format].mediaType}; charset=utf-8`,
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
 * feeds at /feeds/<slug>.<extension> (every extension of FEED_FORMATS, former ones too) and
 * all of them as /feeds.opml, personal feeds at /feeds/s/<key>.<extension> and .opml, and
 * the unsubscribe link a digest carries. The guard lets
 * these through; the key is checked here.
 */
export async function feedRoutes(
  app: FastifyInstance,
  options: {
    deps: Omit<FeedDeps, 'baseUrl'>;
  },
): Promise<void> {
  const { base } = app.site;
  const depsFor = (request: FastifyRequest): FeedDeps => ({
    ...options.deps,
    baseUrl: requestBaseUrl(request),
  });

  app.get<{ Params: z.infer<typeof FeedFileParamsSchema>; Querystring: z.infer<typeof FeedQuerySchema> }>(
    '/feeds/:file',
    { schema: { params: requestSchema(FeedFileParamsSchema), querystring: requestSchema(FeedQuerySchema) } },
    async (request, reply) => {
      const [, slug = '', extension = ''] = TOPIC_FEED_FILE.exec(request.params.file) ?? [];
      if (!isFeedExtension(extension)) return reply.code(404).type('text/plain; charset=utf-8').send('no such feed\n');
      const result = await topicFeed(slug, extension, request.query.key, depsFor(request));
      return sendFeed(reply, request, result, feedFormatOf(extension));
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
      const [, feedKey = '', extension = ''] = PERSONAL_FEED_FILE.exec(request.params.file) ?? [];
      if (extension === 'opml') return sendFeedList(reply, await personalFeedList(feedKey, depsFor(request)));
      if (!isFeedExtension(extension)) return reply.code(404).type('text/plain; charset=utf-8').send('no such feed\n');
      const result = await personalFeed(feedKey, extension, depsFor(request));
      return sendFeed(reply, request, result, feedFormatOf(extension));
    },
  );

  const keyParam = { schema: { params: requestSchema(FeedKeyParamsSchema) } };
  // The subscriber's page: opened by the feed key like the feed itself, read-only.
  app.get<{ Params: z.infer<typeof FeedKeyParamsSchema> }>('/s/:key', keyParam, async (request, reply) => {
    const page = await subscriberPage(request.params.key, depsFor(request));
    if (page.status !== 200) return reply.code(404).type('text/plain; charset=utf-8').send(`${page.message}\n`);
    const [calibration, stats] = await Promise.all([
      options.deps.calibrations.current(),
      options.deps.feedback.topicStats().catch(() => []),
    ]);
    const accuracy = Object.fromEntries(
      stats.filter((t) => t.kind === 'own').map((t) => [t.topic, { examples: t.examples, accuracy: t.accuracy }]),
    );
    const ownThreshold = (words: string) =>
      ownTopicThreshold(calibration, ownTopicId(words), page.sub.id, options.deps.ownTopicThreshold);
    return reply
      .header('cache-control', 'private, no-store')
      .type('text/html; charset=utf-8')
      .send(renderSubscriberPage({ ...page, base, ownThreshold, accuracy }));
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
