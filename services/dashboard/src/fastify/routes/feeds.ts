import { subscriptionView } from '@tidings/subscriptions';
import { recentWindowStart } from '@tidings/topic-store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ownTopicSummaries } from '../../api/own-topic-articles.js';
import { unsubscribe } from '../../api/subscriptions-api.js';
import { type FeedDeps, type FeedFormat, type FeedResponse, personalFeed, topicFeed } from '../../api/topic-feeds.js';
import { renderSubscriberPage, renderUnsubscribe } from '../../render/subscribe.js';
import { requestBaseUrl } from '../request-base-url.js';

const FEED_FILE = /^([a-z0-9-]{1,80})\.(xml|json)$/;

function send(reply: FastifyReply, result: FeedResponse): FastifyReply {
  return reply
    .code(result.status)
    .headers(result.headers)
    .send(result.status === 304 ? undefined : result.body);
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Feeds readers subscribe to, opened by their own key (readers cannot send headers): topic
 * feeds at /feeds/<slug>.xml|json, personal feeds at /feeds/s/<key>.xml|json, and the
 * unsubscribe link a digest carries. The guard lets these through; the key is checked here.
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
  const {
    deps: { subscriptions },
  } = options;
  const conditional = (headers: Record<string, string | string[] | undefined>) => ({
    ifNoneMatch: header(headers['if-none-match']),
    ifModifiedSince: header(headers['if-modified-since']),
  });

  app.get<{ Params: { file: string }; Querystring: { key?: string } }>(
    '/feeds/:file',
    {
      schema: {
        params: { type: 'object', properties: { file: { type: 'string', maxLength: 100 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { key: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (request, reply) => {
      const match = FEED_FILE.exec(request.params.file);
      if (!match) return reply.code(404).type('text/plain; charset=utf-8').send('no such feed\n');
      const result = await topicFeed(
        match[1] ?? '',
        match[2] as FeedFormat,
        request.query.key,
        conditional(request.headers),
        depsFor(request),
      );
      return send(reply, result);
    },
  );

  app.get<{ Params: { file: string } }>(
    '/feeds/s/:file',
    { schema: { params: { type: 'object', properties: { file: { type: 'string', maxLength: 100 } } } } },
    async (request, reply) => {
      const match = /^([a-f0-9]{32})\.(xml|json)$/.exec(request.params.file);
      if (!match) return reply.code(404).type('text/plain; charset=utf-8').send('no such feed\n');
      return send(
        reply,
        await personalFeed(match[1] ?? '', match[2] as FeedFormat, conditional(request.headers), depsFor(request)),
      );
    },
  );

  const keyParam = { schema: { params: { type: 'object', properties: { key: { type: 'string', maxLength: 64 } } } } };
  // The subscriber's page: opened by the feed key like the feed itself, read-only.
  app.get<{ Params: { key: string } }>('/s/:key', keyParam, async (request, reply) => {
    const sub = /^[a-f0-9]{32}$/.test(request.params.key) ? await subscriptions.byFeedKey(request.params.key) : null;
    if (!sub) return reply.code(404).type('text/plain; charset=utf-8').send('no subscription for this key\n');
    const deps = depsFor(request);
    const days = Math.max(1, options.ownTopicDays);
    const since = (await recentWindowStart(deps.store, days)) ?? Date.now();
    const own = await ownTopicSummaries(sub, since, 20, deps);
    const view = subscriptionView(sub, deps.baseUrl);
    return reply
      .header('cache-control', 'private, no-store')
      .type('text/html; charset=utf-8')
      .send(renderSubscriberPage({ sub, own, days, ...view, base }));
  });
  // GET only asks: mail scanners follow links, and must not unsubscribe anyone by doing so.
  app.get<{ Params: { key: string } }>('/unsubscribe/:key', keyParam, async (request, reply) => {
    const known = /^[a-f0-9]{32}$/.test(request.params.key) && (await subscriptions.byFeedKey(request.params.key));
    return reply
      .code(known ? 200 : 404)
      .type('text/html; charset=utf-8')
      .send(
        renderUnsubscribe({
          state: known ? 'confirm' : 'unknown',
          name: known ? known.name : undefined,
          key: request.params.key,
          base,
        }),
      );
  });
  // POST does it: the page's button, or a mail client's one-click unsubscribe (RFC 8058).
  app.post<{ Params: { key: string } }>('/unsubscribe/:key', keyParam, async (request, reply) => {
    const result = await unsubscribe(request.params.key, { subscriptions });
    return reply
      .code(result.status)
      .type('text/html; charset=utf-8')
      .send(
        renderUnsubscribe({
          state: result.status === 200 ? 'done' : 'unknown',
          name: result.name,
          key: request.params.key,
          base,
        }),
      );
  });
}
