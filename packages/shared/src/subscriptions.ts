import { z } from 'zod';
import { FEED_EXTENSIONS, type FeedExtension } from './feed-formats.js';
import { RunIdSchema } from './ids.js';

/** Subscription ids become Redis keys and URL path segments: one strict pattern. */
export const SUBSCRIPTION_ID_PATTERN = /^sub-[a-f0-9]{16}$/;
/** Feed keys are capabilities (they open one feed and its unsubscribe link): 128 random bits. */
export const FEED_KEY_PATTERN = /^[a-f0-9]{32}$/;

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => /^https?:\/\/[^\s/]+/i.test(s) && URL.canParse(s), { message: 'not an http(s) URL' });

const topicList = z.array(z.string().min(1).max(64)).max(50);
const ownTopicList = z.array(z.string().max(10_000)).max(1_000);

/**
 * What a person asks for: the shared topics they chose, topics in their own words, and where
 * digests go. The caps here only bound a request; the subscription store applies the
 * configured limits (OWN_TOPIC_MAX_CHARS, OWN_TOPICS_PER_SUBSCRIBER) with errors that name them.
 */

export const NewSubscriptionSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  topics: topicList.default([]),
  ownTopics: ownTopicList.default([]),
  email: z.email().max(254).optional(),
  webhookUrl: httpUrl.optional(),
});
export type NewSubscription = z.infer<typeof NewSubscriptionSchema>;
/** A new subscription before its defaults are filled in (no own topics, no topics). */
export type NewSubscriptionInput = z.input<typeof NewSubscriptionSchema>;

export const SubscriptionUpdateSchema = NewSubscriptionSchema.partial().extend({
  // No defaults in a patch: a field left out is left as it is.
  topics: topicList.optional(),
  ownTopics: ownTopicList.optional(),
  email: z.email().max(254).nullable().optional(),
  webhookUrl: httpUrl.nullable().optional(),
});
export type SubscriptionUpdate = z.infer<typeof SubscriptionUpdateSchema>;

/** Why a subscription's webhook gets nothing more: its receiver answered 410 Gone. */
export const WebhookDisabledSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  reason: z.string(),
});
export type WebhookDisabled = z.infer<typeof WebhookDisabledSchema>;

/**
 * A stored subscription. `webhookSecret` signs its webhook deliveries and is shown once, at
 * creation: `whsec_` + base64 of the key (Standard Webhooks), or 48 hex characters for one
 * made before, whose UTF-8 bytes are its key (see webhookKey).
 */
export const SubscriptionSchema = z.object({
  id: z.string().regex(SUBSCRIPTION_ID_PATTERN),
  name: z.string(),
  topics: z.array(z.string()),
  /** Own topics as the subscriber wrote them (spaces collapsed); records from before they existed have none. */
  ownTopics: z.array(z.string()).default([]),
  email: z.string().optional(),
  webhookUrl: z.string().optional(),
  feedKey: z.string().regex(FEED_KEY_PATTERN),
  webhookSecret: z.string().optional(),
  /** The secret before the last rotation: it signs beside the new one until `until`, so receivers can switch. */
  previousWebhookSecret: z.object({ secret: z.string(), until: z.iso.datetime({ offset: true }) }).optional(),
  /** Set when the receiver answered 410; a new webhookUrl clears it. */
  webhookDisabled: WebhookDisabledSchema.optional(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

/** How long a rotated-out webhook secret still signs deliveries beside the new one. */
export const WEBHOOK_SECRET_OVERLAP_MS = 24 * 3_600_000;

/** The secrets that sign a subscription's deliveries now: its own, and the one before it while the overlap lasts. */
export function signingSecrets(sub: Subscription, now: Date = new Date()): string[] {
  const previous = sub.previousWebhookSecret;
  const stillValid = previous && Date.parse(previous.until) > now.getTime();
  return [...(sub.webhookSecret ? [sub.webhookSecret] : []), ...(stillValid ? [previous.secret] : [])];
}

/** Where one digest goes. Subscribers' destinations name the subscription; the operator's name the setting. */
export const DestinationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), subscriptionId: z.string().regex(SUBSCRIPTION_ID_PATTERN) }),
  z.object({ kind: z.literal('webhook'), subscriptionId: z.string().regex(SUBSCRIPTION_ID_PATTERN) }),
  z.object({ kind: z.literal('operator-webhook'), index: z.number().int().min(0).max(99) }),
  z.object({ kind: z.literal('slack') }),
  /**
   * A WebSub publish ping: hub (index into WEBSUB_HUB_URLS) is told that one topic feed URL,
   * /feeds/<feed>.<extension>, changed. Jobs queued before Atom's `.xml` became `.atom` name
   * the extension `format`; they are read as they were meant.
   */
  z
    .object({
      kind: z.literal('websub'),
      hub: z.number().int().min(0).max(99),
      feed: z.string().regex(/^[a-z0-9-]{1,80}$/),
      extension: z.enum(FEED_EXTENSIONS).optional(),
      format: z.enum(['xml', 'json']).optional(),
    })
    .refine((d) => (d.extension ?? d.format) !== undefined, {
      message: `needs the feed URL's extension: one of ${FEED_EXTENSIONS.join(', ')}`,
      path: ['extension'],
    })
    .transform(({ format, extension, ...d }) => ({ ...d, extension: (extension ?? format) as FeedExtension })),
]);
export type Destination = z.infer<typeof DestinationSchema>;

/**
 * Data of a `notify` job: one run's digest to one destination. Only ids travel: the notifier
 * reads the run and the subscription when it sends, so an unsubscribe between the run and
 * the delivery is honoured, and no address or secret sits in Redis job data.
 */
export const NotifyJobSchema = z.strictObject({
  runId: RunIdSchema,
  destination: DestinationSchema,
});
export type NotifyJob = z.infer<typeof NotifyJobSchema>;

/**
 * The delivery id: the notify job's id, and the `webhook-id` and X-Tidings-Delivery headers,
 * the same on every retry so receivers can drop duplicates.
 */
export function deliveryId(job: NotifyJob): string {
  const d = job.destination;
  if (d.kind === 'websub') return `${job.runId}.websub.hub${d.hub}.${d.feed}.${d.extension}`;
  const target =
    d.kind === 'email' || d.kind === 'webhook' ? d.subscriptionId : d.kind === 'slack' ? 'slack' : `op${d.index}`;
  return `${job.runId}.${d.kind}.${target}`;
}

const DigestArticleSchema = z.object({
  title: z.string(),
  link: z.string(),
  published: z.string(),
  score: z.number(),
  /** Why it is listed: its score and the label or threshold it beat (a subscriber's digest). */
  why: z.string().optional(),
  /** The subscriber's vote links: each opens a confirm page on the dashboard, none records by itself. */
  feedback: z.array(z.object({ verdict: z.string(), title: z.string(), url: z.string() })).optional(),
});

/** The webhook body: text only, no markup; receivers verify `webhook-signature` over its raw bytes (docs/delivery.md). */
export const DigestPayloadSchema = z.object({
  type: z.literal('digest'),
  runId: z.string(),
  finishedAt: z.string(),
  /** Articles and topics of `topics` and `ownTopics` together (an article in both is counted in each). */
  counts: z.object({ articles: z.number().int(), topics: z.number().int() }),
  topics: z.array(
    z.object({
      label: z.string(),
      count: z.number().int(),
      articles: z.array(DigestArticleSchema),
    }),
  ),
  /** The subscriber's own topics this run matched, named by their words; `score` is that topic's. Empty for the operator's. */
  ownTopics: z.array(
    z.object({
      topic: z.string(),
      count: z.number().int(),
      articles: z.array(DigestArticleSchema),
    }),
  ),
  dashboardUrl: z.string().nullable(),
});
export type DigestPayload = z.infer<typeof DigestPayloadSchema>;
