import { PrivateAddressError } from '@tidings/runtime';
import {
  describeZodError,
  FEED_KEY_PATTERN,
  NewSubscriptionSchema,
  SUBSCRIPTION_ID_PATTERN,
  SubscriptionUpdateSchema,
  type WebhookDisabled,
} from '@tidings/shared';
import {
  NoTopicsError,
  OwnTopicCeilingError,
  OwnTopicError,
  type SubscriptionStore,
  subscriptionView,
  UnknownTopicError,
} from '@tidings/subscriptions';
import type { OwnTopicQuota } from './own-topic-quota.js';
import { type ApiResult, refuse } from './result.js';

export interface SubscriptionsApiDeps {
  subscriptions: SubscriptionStore;
  baseUrl: string;
  /** Refuses a webhook URL the service may not call (private addresses); resolves when it may. */
  checkWebhookUrl: (url: string) => Promise<void>;
  /** Who asks (request.ip), for the per-client budget of new own topics. */
  client: string;
  ownTopicQuota: OwnTopicQuota;
}

/**
 * Without DASHBOARD_TOKEN any local process may call the dashboard, so what would let it
 * impersonate a subscriber or a signer (addresses, feed keys, webhook secrets) is not served.
 */
export const subscriberDetailsNeedToken = refuse(
  403,
  'TIDINGS_DASHBOARD_TOKEN_NEEDED',
  'with no DASHBOARD_TOKEN, subscriber details and secret rotation are not served over HTTP: set DASHBOARD_TOKEN, or use `tidings subscribers list` / `tidings subscribers rotate-secret`',
);

/** Adding or changing a webhook mints a signing secret for a subscription the caller need not own. */
export const webhookChangeNeedsToken = refuse(
  403,
  'TIDINGS_DASHBOARD_TOKEN_NEEDED',
  'with no DASHBOARD_TOKEN, a webhook is not set over HTTP (that makes a signing secret): set DASHBOARD_TOKEN, or subscribe with `tidings subscribers add --webhook`',
);

const badRequest = (message: string) => refuse(400, 'Bad Request', message);
const notFound = (id: string) => refuse(404, 'Not Found', `no subscription '${id}'`);

async function guard(
  deps: SubscriptionsApiDeps,
  webhookUrl: string | null | undefined,
  fn: () => Promise<ApiResult>,
): Promise<ApiResult> {
  try {
    if (webhookUrl) await deps.checkWebhookUrl(webhookUrl);
    return await fn();
  } catch (err) {
    if (
      err instanceof UnknownTopicError ||
      err instanceof OwnTopicError ||
      err instanceof NoTopicsError ||
      err instanceof OwnTopicCeilingError
    )
      return badRequest(err.message);
    if (err instanceof PrivateAddressError) return badRequest(`webhookUrl: ${err.message}`);
    throw err;
  }
}

/**
 * Runs a change that may add `ownTopics` once the client's budget for new ones allows it,
 * and gives the budget back when the change is refused or fails.
 */
async function withOwnTopics(
  deps: SubscriptionsApiDeps,
  ownTopics: string[] | undefined,
  change: () => Promise<ApiResult>,
): Promise<ApiResult> {
  if (ownTopics === undefined) return change();
  const claim = await deps.ownTopicQuota.claim(deps.client, ownTopics);
  if (!claim.ok) return claim.refusal;
  const giveBack = () => deps.ownTopicQuota.release(deps.client, claim.claimed);
  try {
    const result = await change();
    if (result.status >= 400) await giveBack();
    return result;
  } catch (err) {
    await giveBack();
    throw err;
  }
}

/** POST /api/subscriptions: 201 with the subscription, its feed URLs, and its webhook secret (this once). */
export async function createSubscription(body: unknown, deps: SubscriptionsApiDeps): Promise<ApiResult> {
  const parsed = NewSubscriptionSchema.safeParse(body ?? {});
  if (!parsed.success) return badRequest(describeZodError(parsed.error));
  return guard(deps, parsed.data.webhookUrl, () =>
    withOwnTopics(deps, parsed.data.ownTopics, async () => {
      const sub = await deps.subscriptions.create(parsed.data);
      const view = subscriptionView(sub, deps.baseUrl);
      return { status: 201, body: sub.webhookSecret ? { ...view, webhookSecret: sub.webhookSecret } : view };
    }),
  );
}

export async function listSubscriptions(deps: SubscriptionsApiDeps): Promise<ApiResult> {
  const all = await deps.subscriptions.list();
  return { status: 200, body: { subscriptions: all.map((s) => subscriptionView(s, deps.baseUrl)) } };
}

/** PATCH /api/subscriptions/:id: 200 with the subscription, and the webhook secret when this PATCH made one. */
export async function updateSubscription(id: string, body: unknown, deps: SubscriptionsApiDeps): Promise<ApiResult> {
  if (!SUBSCRIPTION_ID_PATTERN.test(id)) return notFound(id);
  const parsed = SubscriptionUpdateSchema.safeParse(body ?? {});
  if (!parsed.success) return badRequest(describeZodError(parsed.error));
  return guard(deps, parsed.data.webhookUrl, () =>
    withOwnTopics(deps, parsed.data.ownTopics, async () => {
      const before = parsed.data.webhookUrl ? await deps.subscriptions.get(id) : null;
      const sub = await deps.subscriptions.update(id, parsed.data);
      if (!sub) return notFound(id);
      const view = subscriptionView(sub, deps.baseUrl);
      // A webhook added by this PATCH got a new signing secret: like POST, it is shown this once.
      const madeSecret = before && sub.webhookSecret && sub.webhookSecret !== before.webhookSecret;
      return { status: 200, body: madeSecret ? { ...view, webhookSecret: sub.webhookSecret } : view };
    }),
  );
}

export async function deleteSubscription(id: string, deps: SubscriptionsApiDeps): Promise<ApiResult> {
  if (!SUBSCRIPTION_ID_PATTERN.test(id)) return notFound(id);
  return (await deps.subscriptions.remove(id)) ? { status: 204, body: undefined } : notFound(id);
}

/** A new feed key: the old feed URL and unsubscribe link stop working at once. */
export async function rotateSubscriptionKey(id: string, deps: SubscriptionsApiDeps): Promise<ApiResult> {
  if (!SUBSCRIPTION_ID_PATTERN.test(id)) return notFound(id);
  const sub = await deps.subscriptions.rotateKey(id);
  return sub ? { status: 200, body: subscriptionView(sub, deps.baseUrl) } : notFound(id);
}

/** A new webhook signing secret, shown this once; the old one signs beside it for a day. */
export async function rotateWebhookSecret(id: string, deps: SubscriptionsApiDeps): Promise<ApiResult> {
  if (!SUBSCRIPTION_ID_PATTERN.test(id)) return notFound(id);
  const current = await deps.subscriptions.get(id);
  if (!current) return notFound(id);
  if (!current.webhookUrl)
    return refuse(409, 'Conflict', `subscription '${id}' has no webhook: set its webhookUrl first`);
  const sub = await deps.subscriptions.rotateWebhookSecret(id);
  if (!sub) return notFound(id);
  return { status: 200, body: { ...subscriptionView(sub, deps.baseUrl), webhookSecret: sub.webhookSecret } };
}

export type UnsubscribeResult =
  | { status: 200; name: string; webhookDisabled?: WebhookDisabled }
  | { status: 404; name: undefined };

const byFeedKey = (feedKey: string, deps: Pick<SubscriptionsApiDeps, 'subscriptions'>) =>
  FEED_KEY_PATTERN.test(feedKey) ? deps.subscriptions.byFeedKey(feedKey) : Promise.resolve(null);

/** Whom an unsubscribe link names, for the page that asks before it is used. */
export async function unsubscribeTarget(
  feedKey: string,
  deps: Pick<SubscriptionsApiDeps, 'subscriptions'>,
): Promise<UnsubscribeResult> {
  const sub = await byFeedKey(feedKey, deps);
  if (!sub) return { status: 404, name: undefined };
  // The subscriber's own page says when their webhook answered 410 and gets nothing more.
  return { status: 200, name: sub.name, ...(sub.webhookDisabled ? { webhookDisabled: sub.webhookDisabled } : {}) };
}

/** The unsubscribe link's action: the key names the subscription and is its only credential. */
export async function unsubscribe(
  feedKey: string,
  deps: Pick<SubscriptionsApiDeps, 'subscriptions'>,
): Promise<UnsubscribeResult> {
  const sub = await byFeedKey(feedKey, deps);
  if (!sub) return { status: 404, name: undefined };
  await deps.subscriptions.remove(sub.id);
  return { status: 200, name: sub.name };
}
