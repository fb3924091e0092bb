import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import {
  type KeySpaceSource,
  luaCommand,
  type NewSubscriptionInput,
  newWebhookSecret,
  ownTopicId,
  redisKeys,
  type Subscription,
  SubscriptionSchema,
  type SubscriptionUpdate,
  WEBHOOK_SECRET_OVERLAP_MS,
} from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import { NoTopicsError } from './errors/no-topics-error.js';
import { OwnTopicCeilingError } from './errors/own-topic-ceiling-error.js';
import { UnknownTopicError } from './errors/unknown-topic-error.js';
import { subscriptionKeys } from './keys.js';
import { checkOwnTopics, DEFAULT_OWN_TOPIC_LIMITS, type OwnTopicLimits } from './own-topic-rules.js';

const SET_OWN_TOPICS = fs.readFileSync(new URL('./commands/set-own-topics.lua', import.meta.url), 'utf8');

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

export interface SubscriptionStoreOptions {
  /** The configured labels: a subscription may only name these. */
  labels: string[];
  /** The configured own-topic limits (config.ownTopics); the defaults are the variables' defaults. */
  ownTopics?: OwnTopicLimits;
  /**
   * Called with the own topics a create or update made new to the deployment, after the
   * subscription is saved: the dashboard and the CLI queue their backfill here.
   */
  onNewOwnTopics?: (topicIds: string[]) => Promise<void>;
}

/**
 * Subscriptions in Redis: a JSON record per subscription, the set of ids, and an index from
 * each feed key to its subscription. A feed key opens that subscription's feed and its
 * unsubscribe link and nothing else; rotating it revokes the old one at once.
 */
export class SubscriptionStore {
  private readonly keys;
  private readonly sharedKeys;
  private readonly limits: OwnTopicLimits;
  private readonly setOwnTopicsCommand;

  constructor(
    private readonly redis: Redis | Cluster,
    space: KeySpaceSource,
    private readonly options: SubscriptionStoreOptions,
  ) {
    this.keys = subscriptionKeys(space);
    this.sharedKeys = redisKeys(space);
    this.limits = options.ownTopics ?? DEFAULT_OWN_TOPIC_LIMITS;
    this.setOwnTopicsCommand = luaCommand<(string | number)[]>(redis, 'tidingsSetOwnTopics', SET_OWN_TOPICS);
  }

  private checkTopics(topics: string[]): string[] {
    const unknown = topics.filter((t) => !this.options.labels.includes(t));
    if (unknown.length > 0) throw new UnknownTopicError(unknown, this.options.labels);
    return [...new Set(topics)];
  }

  private checkSomeTopic(sub: Pick<Subscription, 'topics' | 'ownTopics'>): void {
    if (sub.topics.length === 0 && sub.ownTopics.length === 0) throw new NoTopicsError(this.options.labels);
  }

  /**
   * Moves one subscription from its old own topics to its new ones in the registry the
   * classifiers read; refuses (changing nothing) when new distinct topics would pass the
   * ceiling. Returns the ids that are new to the deployment.
   */
  private async setOwnTopics(subscriptionId: string, next: string[], previous: string[]): Promise<string[]> {
    const adds = next.map((words) => [ownTopicId(words), words] as const);
    const nextIds = new Set(adds.map(([id]) => id));
    const releases = [...new Set(previous.map(ownTopicId))].filter((id) => !nextIds.has(id));
    if (adds.length === 0 && releases.length === 0) return [];
    const k = this.sharedKeys;
    const keys = [
      k.ownTopics,
      ...adds.map(([id]) => k.ownTopicSubscribers(id)),
      ...releases.map(k.ownTopicSubscribers),
    ];
    const args = [this.limits.ceiling, subscriptionId, adds.length, ...adds.flat(), ...releases];
    const [ok, ...rest] = await this.setOwnTopicsCommand(keys, args);
    if (Number(ok) !== 1) throw new OwnTopicCeilingError(this.limits.ceiling, Number(rest[0]));
    return rest.map(String);
  }

  async create(input: NewSubscriptionInput): Promise<Subscription> {
    const now = new Date().toISOString();
    const topics = this.checkTopics(input.topics ?? []);
    const ownTopics = checkOwnTopics(input.ownTopics ?? [], this.options.labels, this.limits);
    this.checkSomeTopic({ topics, ownTopics });
    const subscription: Subscription = {
      id: `sub-${randomHex(8)}`,
      name: input.name,
      topics,
      ownTopics,
      ...(input.email ? { email: input.email } : {}),
      ...(input.webhookUrl ? { webhookUrl: input.webhookUrl, webhookSecret: newWebhookSecret() } : {}),
      feedKey: randomHex(16),
      createdAt: now,
      updatedAt: now,
    };
    const fresh = await this.setOwnTopics(subscription.id, ownTopics, []);
    await this.redis
      .multi()
      .set(this.keys.subscription(subscription.id), JSON.stringify(subscription))
      .sadd(this.keys.all, subscription.id)
      .set(this.keys.byFeedKey(subscription.feedKey), subscription.id)
      .exec();
    await this.options.onNewOwnTopics?.(fresh);
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
    if (patch.ownTopics !== undefined)
      next.ownTopics = checkOwnTopics(patch.ownTopics, this.options.labels, this.limits);
    this.checkSomeTopic(next);
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
    const fresh = await this.setOwnTopics(id, next.ownTopics, current.ownTopics);
    await this.redis.set(this.keys.subscription(id), JSON.stringify(next));
    await this.options.onNewOwnTopics?.(fresh);
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
    if (current) await this.setOwnTopics(id, [], current.ownTopics);
    const removal = this.redis.multi().del(this.keys.subscription(id)).srem(this.keys.all, id);
    if (current) removal.del(this.keys.byFeedKey(current.feedKey));
    const [[, deleted] = [], [, unlisted] = []] = (await removal.exec()) ?? [];
    return Number(deleted) + Number(unlisted) > 0;
  }
}
