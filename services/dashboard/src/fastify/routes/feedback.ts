import {
  FEED_KEY_PATTERN,
  type FeedbackLink,
  FeedbackLinkSchema,
  feedbackLinkMatches,
  feedbackLinkToken,
  feedbackReaderId,
  ownTopicId,
  type Subscription,
} from '@tidings/shared';
import type { SubscriptionStore } from '@tidings/subscriptions';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  type FeedbackDeps,
  parseVerdictField,
  type Recorded,
  recordVote,
  type Vote,
  type Voter,
  verdictField,
  verdictWords,
} from '../../api/feedback.js';
import {
  FeedbackFormBodySchema,
  type FeedbackRequestBody,
  FeedbackRequestBodySchema,
  FeedKeyParamsSchema,
} from '../../api/requests.js';
import { type ApiResult, refuse } from '../../api/result.js';
import { type ConfirmChoice, renderVoteAnswer, renderVoteConfirm } from '../../render/feedback.js';
import type { FeedbackLimit } from '../feedback-limit.js';
import { sendResult } from '../reply.js';
import { requestSchema } from '../request-schema.js';

export interface FeedbackRouteOptions {
  deps: FeedbackDeps & { subscriptions: Pick<SubscriptionStore, 'get' | 'byFeedKey'> };
  limit: FeedbackLimit;
}

/** The operator votes as one reader however they signed in: their votes replace each other. */
const OPERATOR = feedbackReaderId('operator', 'dashboard');

const noSubscription = refuse(
  404,
  'TIDINGS_FEEDBACK_UNKNOWN_SUBSCRIPTION',
  'no subscription for this key (unsubscribed, or the key was rotated)',
);

const subscriberVoter = (sub: Subscription, source: Voter['source']): Voter => ({
  reader: feedbackReaderId('feed-key', sub.feedKey),
  source,
  subscription: sub,
});

/** A form's flat fields as a vote; `belongs-in` takes its label from the form's select. */
function voteOfForm(body: z.infer<typeof FeedbackFormBodySchema>): Vote | ApiResult {
  const field = body.verdict === 'belongs-in' ? `belongs-in:${body.belongsIn ?? ''}` : body.verdict;
  const verdict = parseVerdictField(field);
  if (!verdict)
    return refuse(400, 'TIDINGS_FEEDBACK_BAD_VERDICT', 'verdict belongs-in needs belongsIn: the label it belongs in');
  return { articleId: body.articleId, topic: body.topic, verdict };
}

const wantsJson = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');

/** JSON for scripts and app.js; a small page for a form sent without JavaScript. */
function answer(
  reply: FastifyReply,
  request: FastifyRequest,
  result: ApiResult,
  options: { base: string; back: string; words?: string },
) {
  if (wantsJson(request)) return sendResult(reply, result);
  const ok = result.status === 201;
  const message = ok
    ? `Recorded: ${options.words ?? 'your vote'}. Thanks: tidings learns from this; a new vote on it replaces this one.`
    : (result.body as { message: string }).message;
  if (result.headers) reply.headers(result.headers);
  return reply
    .code(result.status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(renderVoteAnswer({ ok, message, base: options.base, back: options.back }));
}

/**
 * Votes: POST /api/feedback (JSON), the topic page's form (POST /feedback, guarded like every
 * write), the subscriber's page (POST /s/:key/feedback, by feed key), and the link a personal
 * feed or digest carries: GET /feedback/confirm only shows what would be recorded, its button
 * POSTs the same signed fields. Every one is rate-limited per client and per reader.
 */
export async function feedbackRoutes(app: FastifyInstance, options: FeedbackRouteOptions): Promise<void> {
  const { deps, limit } = options;
  const { base } = app.site;

  /** Rate limits, then the vote; the result says which (429, 404, 400 or 201). */
  const vote = async (request: FastifyRequest, v: Vote, voter: Voter): Promise<ApiResult> =>
    (await limit(request, voter.reader)) ?? recordVote(v, voter, deps);

  const topicName = (topic: string, sub?: Pick<Subscription, 'ownTopics'>) =>
    sub?.ownTopics.find((w) => ownTopicId(w) === topic) ?? topic;

  app.post<{ Body: FeedbackRequestBody }>(
    '/api/feedback',
    { schema: { body: requestSchema(FeedbackRequestBodySchema) } },
    async (request, reply) => {
      const { feedKey, ...v } = request.body;
      if (!feedKey) return sendResult(reply, await vote(request, v, { reader: OPERATOR, source: 'api' }));
      const sub = await deps.subscriptions.byFeedKey(feedKey);
      if (!sub) return sendResult(reply, noSubscription);
      return sendResult(reply, await vote(request, v, subscriberVoter(sub, 'api')));
    },
  );

  app.post<{ Body: z.infer<typeof FeedbackFormBodySchema> }>(
    '/feedback',
    { schema: { body: requestSchema(FeedbackFormBodySchema) } },
    async (request, reply) => {
      const v = voteOfForm(request.body);
      const result = 'status' in v ? v : await vote(request, v, { reader: OPERATOR, source: 'page' });
      const words = 'status' in v ? undefined : verdictWords(v.verdict, v.topic);
      return answer(reply, request, result, { base, back: `${base}/`, ...(words ? { words } : {}) });
    },
  );

  app.post<{ Params: z.infer<typeof FeedKeyParamsSchema>; Body: z.infer<typeof FeedbackFormBodySchema> }>(
    '/s/:key/feedback',
    { schema: { params: requestSchema(FeedKeyParamsSchema), body: requestSchema(FeedbackFormBodySchema) } },
    async (request, reply) => {
      const { key } = request.params;
      const sub = FEED_KEY_PATTERN.test(key) ? await deps.subscriptions.byFeedKey(key) : null;
      const back = `${base}/s/${key}`;
      if (!sub) return answer(reply, request, noSubscription, { base, back: `${base}/` });
      const v = voteOfForm(request.body);
      if ('status' in v) return answer(reply, request, v, { base, back });
      const result = await vote(request, v, subscriberVoter(sub, 'subscriber-page'));
      return answer(reply, request, result, { base, back, words: verdictWords(v.verdict, topicName(v.topic, sub)) });
    },
  );

  /** The link's subscription when its token is theirs for exactly this vote; else why not. */
  const linkOwner = async (query: unknown): Promise<{ link: FeedbackLink; sub: Subscription } | ApiResult> => {
    const parsed = FeedbackLinkSchema.safeParse(query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refuse(
        400,
        'TIDINGS_FEEDBACK_BAD_LINK',
        `this feedback link is damaged: ${issue?.path.join('.') || 'query'} ${issue?.message ?? 'is wrong'}; open it again from the feed or digest`,
      );
    }
    const sub = await deps.subscriptions.get(parsed.data.s);
    if (!sub) return refuse(404, 'TIDINGS_FEEDBACK_UNKNOWN_SUBSCRIPTION', 'this link is no longer valid: unsubscribed');
    if (!feedbackLinkMatches(sub.feedKey, parsed.data))
      return refuse(
        403,
        'TIDINGS_FEEDBACK_BAD_TOKEN',
        'this link was not made for this vote (or the feed key was replaced since): use the links of your current feed',
      );
    return { link: parsed.data, sub };
  };

  const page = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
  const refusedPage = (reply: FastifyReply, result: ApiResult) =>
    page(
      reply,
      result.status,
      renderVoteAnswer({ ok: false, message: (result.body as { message: string }).message, base }),
    );

  // GET only asks: mail scanners and link previews follow links, and must vote for no one.
  app.get('/feedback/confirm', async (request, reply) => {
    const owner = await linkOwner(request.query);
    if ('status' in owner) return refusedPage(reply, owner);
    const { link, sub } = owner;
    const verdict = parseVerdictField(link.v);
    const [article] = await deps.store.articlesById([link.a]);
    if (!verdict || !article)
      return refusedPage(
        reply,
        refuse(
          404,
          'TIDINGS_FEEDBACK_UNKNOWN_ARTICLE',
          `article '${link.a}' is no longer stored (past RETENTION_DAYS)`,
        ),
      );
    const name = topicName(link.t, sub);
    const choice = (v: string): ConfirmChoice => {
      const vote = { s: link.s, a: link.a, t: link.t, v };
      const parsedVerdict = parseVerdictField(v) ?? verdict;
      return {
        link: { ...vote, token: feedbackLinkToken(sub.feedKey, vote) },
        words: verdictWords(parsedVerdict, name),
      };
    };
    const choices = [
      choice(verdictField(verdict)),
      ...('type' in verdict && verdict.type === 'not-about'
        ? deps.labels.filter((l) => l !== link.t).map((l) => choice(`belongs-in:${l}`))
        : []),
    ];
    return page(reply, 200, renderVoteConfirm({ article, choices, base }));
  });

  app.post('/feedback/confirm', async (request, reply) => {
    const owner = await linkOwner(request.body);
    if ('status' in owner) return refusedPage(reply, owner);
    const { link, sub } = owner;
    const verdict = parseVerdictField(link.v);
    if (!verdict)
      return refusedPage(reply, refuse(400, 'TIDINGS_FEEDBACK_BAD_VERDICT', `'${link.v}' is not a verdict`));
    const result = await vote(
      request,
      { articleId: link.a, topic: link.t, verdict },
      subscriberVoter(sub, 'feed-link'),
    );
    if (result.status !== 201) {
      if (result.headers) reply.headers(result.headers);
      return refusedPage(reply, result);
    }
    const recorded = result.body as Recorded;
    return page(
      reply,
      201,
      renderVoteAnswer({
        ok: true,
        message: `Recorded: ${verdictWords(verdict, topicName(recorded.topic, sub))}. Thanks: tidings learns from this; a new vote on it replaces this one.`,
        base,
      }),
    );
  });
}
