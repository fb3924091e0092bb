import { randomBytes } from 'node:crypto';
import {
  type KeySpaceSource,
  type NewSubscription,
  newWebhookSecret,
  type Subscription,
  SubscriptionSchema,
  type SubscriptionUpdate,
  WEBHOOK_SECRET_OVERLAP_MS,
} from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import { UnknownTopicError } from './errors/unknown-topic-error.js';
import { subscriptionKeys } from './keys.js';

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

export interface SubscriptionStoreOptions {
  /** The configured labels: a subscription may only name these. */
  labels: string[];
}

/**
 * Subscriptions in Redis: a JSON record per subscription, the set of ids, and an index from
 * each feed key to its subscription. A feed key opens that subscription's feed and its
 * unsubscribe link and nothing else; rotating it revokes the old one at once.
 */
export class SubscriptionStore {
  private readonly keys;

  constructor(
    private readonly redis: Redis | Cluster,
    space: KeySpaceSource,
    private readonly options: SubscriptionStoreOptions,
  ) {
    this.keys = subscriptionKeys(space);
  }

  private checkTopics(topics: string[]): string[] {
    const unknown = topics.filter((t) => !this.options.labels.includes(t));
    if (unknown.length > 0) throw new UnknownTopicError(unknown, this.options.labels);
    return [...new Set(topics)];
  }

  async create(input: NewSubscription): Promise<Subscription> {
    const now = new Date().toISOString();
    const subscription: Subscription = {
      id: `sub-${randomHex(8)}`,
      name: input.name,
      topics: this.checkTopics(input.topics),
      ...(input.email ? { email: input.email } : {}),
      ...(input.webhookUrl ? { webhookUrl: input.webhookUrl, webhookSecret: newWebhookSecret() } : {}),
      feedKey: randomHex(16),
      createdAt: now,
      updatedAt: now,
    };
    await this.redis
      .multi()
      .set(this.keys.subscription(subscription.id), JSON.stringify(subscription))
      .sadd(this.keys.all, subscription.id)
      .set(this.keys.byFeedKey(subscription.feedKey), subscription.id)
      .exec();
    return subscription;
  }

  async get(id: string): Promise<Subscription | null> {
    const raw = await this.redis.get(this.keys.subscription(id));
    if (!raw) return null;
    // A record that is not JSON, or not a subscription, is treated as no subscription at all.
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
    const parsed = SubscriptionSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  }

  async byFeedKey(feedKey: string): Promise<Subscription | null> {
    const id = await this.redis.get(this.keys.byFeedKey(feedKey));
    const subscription = id ? await this.get(id) : null;
    // An index entry left behind (a record replaced or restored by hand) must not open a feed whose key changed.
    return subscription?.feedKey === feedKey ? subscription : null;
  }

  async list(): Promise<Subscription[]> {
    const ids = (await this.redis.smembers(this.keys.all)).sort();
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((s): s is Subscription => s !== null);
  }

  async update(id: string, patch: SubscriptionUpdate): Promise<Subscription | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next: Subscription = { ...current, updatedAt: new Date().toISOString() };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.topics !== undefined) next.topics = this.checkTopics(patch.topics);
    if (patch.email === null) delete next.email;
    else if (patch.email !== undefined) next.email = patch.email;
    // A new URL (or none) is a fresh start for a webhook that answered 410 Gone.
    if (patch.webhookUrl !== undefined) delete next.webhookDisabled;
    if (patch.webhookUrl === null) {
      delete next.webhookUrl;
      delete next.webhookSecret;
      delete next.previousWebhookSecret;
    } else if (patch.webhookUrl !== undefined) {
      next.webhookUrl = patch.webhookUrl;
      next.webhookSecret ??= newWebhookSecret();
    }
    await this.redis.set(this.keys.subscription(id), JSON.stringify(next));
    return next;
  }

  /**
   * Stops deliveries to a webhook whose receiver said it is gone (410). Only while the
   * subscription still has that URL: a URL changed in the meantime is not disabled.
   */
  async disableWebhook(id: string, url: string, reason: string): Promise<Subscription | null> {
    const current = await this.get(id);
    if (!current || current.webhookUrl !== url) return current;
    const next: Subscription = { ...current, webhookDisabled: { at: new Date().toISOString(), reason } };
    await this.redis.set(this.keys.subscription(id), JSON.stringify(next));
    return next;
  }

  /**
   * A new webhook signing secret (returned once, in the Standard Webhooks form). The old one
   * keeps signing beside it for WEBHOOK_SECRET_OVERLAP_MS, so the receiver can switch without
   * refusing a delivery; null when there is no such subscription or it has no webhook.
   */
  async rotateWebhookSecret(id: string): Promise<Subscription | null> {
    const current = await this.get(id);
    if (!current?.webhookUrl) return null;
    const now = Date.now();
    const until = new Date(now + WEBHOOK_SECRET_OVERLAP_MS).toISOString();
    const next: Subscription = {
      ...current,
      webhookSecret: newWebhookSecret(),
      ...(current.webhookSecret ? { previousWebhookSecret: { secret: current.webhookSecret, until } } : {}),
      updatedAt: new Date(now).toISOString(),
    };
    await this.redis.set(this.keys.subscription(id), JSON.stringify(next));
    return next;
  }

  /** A new feed key; the old one stops working at once. */
  async rotateKey(id: string): Promise<Subscription | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next: Subscription = { ...current, feedKey: randomHex(16), updatedAt: new Date().toISOString() };
    await this.redis
      .multi()
      .del(this.keys.byFeedKey(current.feedKey))
      .set(this.keys.byFeedKey(next.feedKey), id)
      .set(this.keys.subscription(id), JSON.stringify(next))
      .exec();
    return next;
  }

  /** Removes the subscription and its index entries; an unreadable record is removed too, so it cannot linger. */
  async remove(id: string): Promise<boolean> {
    const current = await this.get(id);
    const removal = this.redis.multi().del(this.keys.subscription(id)).srem(this.keys.all, id);
    if (current) removal.del(this.keys.byFeedKey(current.feedKey));
    const [[, deleted] = [], [, unlisted] = []] = (await removal.exec()) ?? [];
    return Number(deleted) + Number(unlisted) > 0;
  }
}
