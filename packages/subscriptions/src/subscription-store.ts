import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import {
  type KeySpaceSource,
  luaCommand,
  type NewSubscriptionInput,
  newWebhookSecret,
  type OwnTopicRepair,
  ownTopicId,
  redisKeys,
  type Subscription,
  type SubscriptionUpdate,
  WEBHOOK_SECRET_OVERLAP_MS,
} from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import { NoTopicsError } from './errors/no-topics-error.js';
import { OwnTopicCeilingError } from './errors/own-topic-ceiling-error.js';
import { SubscriptionsBusyError } from './errors/subscriptions-busy-error.js';
import { UnknownTopicError } from './errors/unknown-topic-error.js';
import { subscriptionKeys } from './keys.js';
import { type ReconcileCommand, reconcileOwnTopics } from './own-topic-reconciliation.js';
import { checkOwnTopics, DEFAULT_OWN_TOPIC_LIMITS, type OwnTopicLimits } from './own-topic-rules.js';
import { readRecord, type StoredRecord } from './subscription-record.js';

const WRITE_SUBSCRIPTION = fs.readFileSync(new URL('./commands/write-subscription.lua', import.meta.url), 'utf8');
const RECONCILE_OWN_TOPICS = fs.readFileSync(new URL('./commands/reconcile-own-topics.lua', import.meta.url), 'utf8');

/**
 * How often a change is computed again when another change to the same record came first.
 * Each round lets at least one of the competing writers through, so this covers far more
 * simultaneous writers of one subscription than a person or a script produces.
 */
const MAX_ATTEMPTS = 100;

/** The record changed (or went) between reading it and writing the change: read it again. */
const CONFLICT = Symbol('conflict');

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

export interface SubscriptionStoreOptions {
  /** The configured labels: a subscription may only name these. */
  labels: string[];
  /** The configured own-topic limits (config.ownTopics); the defaults are the variables' defaults. */
  ownTopics?: OwnTopicLimits;
  /**
   * Called with the own topics a create, update or reconciliation made new to the deployment,
   * after they are saved: the dashboard and the CLI queue their backfill here.
   */
  onNewOwnTopics?: (topicIds: string[]) => Promise<void>;
}

/**
 * Subscriptions in Redis: a JSON record per subscription, the set of ids, and an index from
 * each feed key to its subscription. A feed key opens that subscription's feed and its
 * unsubscribe link and nothing else; rotating it revokes the old one at once.
 *
 * Every change reads the record, works out the new one, and writes it with one script that
 * also moves the own-topic registrations and the feed-key index, and that writes nothing if
 * the record changed since it was read; the change is then worked out again. So parallel
 * changes never release the same topics twice, and none writes back a deleted record.
 */
export class SubscriptionStore {
  private readonly keys;
  private readonly sharedKeys;
  private readonly limits: OwnTopicLimits;
  private readonly writeCommand;
  private readonly reconcileCommand: ReconcileCommand;

  constructor(
    private readonly redis: Redis | Cluster,
    space: KeySpaceSource,
    private readonly options: SubscriptionStoreOptions,
  ) {
    this.keys = subscriptionKeys(space);
    this.sharedKeys = redisKeys(space);
    this.limits = options.ownTopics ?? DEFAULT_OWN_TOPIC_LIMITS;
    this.writeCommand = luaCommand<(string | number)[]>(redis, 'tidingsWriteSubscription', WRITE_SUBSCRIPTION);
    this.reconcileCommand = luaCommand<Awaited<ReturnType<ReconcileCommand>>>(
      redis,
      'tidingsReconcileOwnTopics',
      RECONCILE_OWN_TOPICS,
    );
  }

  private checkTopics(topics: string[]): string[] {
    const unknown = topics.filter((t) => !this.options.labels.includes(t));
    if (unknown.length > 0) throw new UnknownTopicError(unknown, this.options.labels);
    return [...new Set(topics)];
  }

  private checkSomeTopic(sub: Pick<Subscription, 'topics' | 'ownTopics'>): void {
    if (sub.topics.length === 0 && sub.ownTopics.length === 0) throw new NoTopicsError(this.options.labels);
  }

  private async read(id: string): Promise<StoredRecord | null> {
    const raw = await this.redis.getBuffer(this.keys.subscription(id));
    return raw ? readRecord(raw) : null;
  }

  /**
   * Replaces the record read (`stored`; null for a new subscription) by `next` (null deletes
   * it), with its own-topic registrations and feed-key index, unless the record changed
   * since. Refuses (changing nothing) when new distinct own topics would pass the ceiling.
   * Returns the own-topic ids new to the deployment.
   */
  private async write(
    id: string,
    stored: StoredRecord | null,
    next: Subscription | null,
  ): Promise<string[] | typeof CONFLICT> {
    const before = stored?.subscription;
    const adds = (next?.ownTopics ?? []).map((words) => [ownTopicId(words), words] as const);
    const nextIds = new Set(adds.map(([topicId]) => topicId));
    const releases = [...new Set((before?.ownTopics ?? []).map(ownTopicId))].filter((t) => !nextIds.has(t));
    // The next record's feed key last: the script sets the last entry and drops the others.
    const feedKeys = [...new Set([before?.feedKey, next?.feedKey].filter((k) => k !== undefined))];
    const k = this.sharedKeys;
    const keys = [
      this.keys.subscription(id),
      this.keys.all,
      k.ownTopics,
      ...feedKeys.map(this.keys.byFeedKey),
      ...adds.map(([topicId]) => k.ownTopicSubscribers(topicId)),
      ...releases.map(k.ownTopicSubscribers),
    ];
    const args = [
      this.limits.ceiling,
      id,
      stored?.raw ?? '',
      next ? JSON.stringify(next) : '',
      feedKeys.length,
      adds.length,
      ...adds.flat(),
      ...releases,
    ];
    const [status, ...rest] = await this.writeCommand(keys, args);
    if (Number(status) === -1) return CONFLICT;
    if (Number(status) === 0) throw new OwnTopicCeilingError(this.limits.ceiling, Number(rest[0]));
    return rest.map(String);
  }

  /** Runs a read-then-write change until no other change comes between its read and its write. */
  private async retrying<T>(what: string, attempt: () => Promise<T | typeof CONFLICT>): Promise<T> {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const result = await attempt();
      if (result !== CONFLICT) return result;
    }
    throw new SubscriptionsBusyError(what, MAX_ATTEMPTS);
  }

  /**
   * Reads a subscription, and writes what `change` makes of it unless it changed meanwhile
   * (then again from the new record). Null, with nothing written, when there is no such
   * subscription, it went meanwhile, or `change` returns null.
   */
  private async change(
    id: string,
    what: string,
    change: (current: Subscription) => Subscription | null,
  ): Promise<{ next: Subscription; fresh: string[] } | null> {
    return this.retrying(what, async () => {
      const stored = await this.read(id);
      const next = stored?.subscription ? change(stored.subscription) : null;
      if (!stored || !next) return null;
      const fresh = await this.write(id, stored, next);
      return fresh === CONFLICT ? CONFLICT : { next, fresh };
    });
  }

  async create(input: NewSubscriptionInput): Promise<Subscription> {
    const now = new Date().toISOString();
    const topics = this.checkTopics(input.topics ?? []);
    const ownTopics = checkOwnTopics(input.ownTopics ?? [], this.options.labels, this.limits);
    this.checkSomeTopic({ topics, ownTopics });
    const made = await this.retrying('creating a subscription', async () => {
      // A fresh id on each attempt: a conflict here means the random id was taken.
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
      const fresh = await this.write(subscription.id, null, subscription);
      return fresh === CONFLICT ? CONFLICT : { subscription, fresh };
    });
    await this.options.onNewOwnTopics?.(made.fresh);
    return made.subscription;
  }

  async get(id: string): Promise<Subscription | null> {
    return (await this.read(id))?.subscription ?? null;
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

  /** The subscription with the patch applied; null when there is no such subscription (or it went meanwhile). */
  async update(id: string, patch: SubscriptionUpdate): Promise<Subscription | null> {
    const changed = await this.change(id, `updating subscription '${id}'`, (current) => {
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
      return next;
    });
    if (!changed) return null;
    await this.options.onNewOwnTopics?.(changed.fresh);
    return changed.next;
  }

  /**
   * Stops deliveries to a webhook whose receiver said it is gone (410). Only while the
   * subscription still has that URL: a URL changed in the meantime is not disabled.
   */
  async disableWebhook(id: string, url: string, reason: string): Promise<Subscription | null> {
    let unchanged: Subscription | null = null;
    const changed = await this.change(id, `disabling the webhook of '${id}'`, (current) => {
      unchanged = current;
      if (current.webhookUrl !== url) return null;
      return { ...current, webhookDisabled: { at: new Date().toISOString(), reason } };
    });
    return changed?.next ?? unchanged;
  }

  /**
   * A new webhook signing secret (returned once, in the Standard Webhooks form). The old one
   * keeps signing beside it for WEBHOOK_SECRET_OVERLAP_MS, so the receiver can switch without
   * refusing a delivery; null when there is no such subscription or it has no webhook.
   */
  async rotateWebhookSecret(id: string): Promise<Subscription | null> {
    const changed = await this.change(id, `rotating the webhook secret of '${id}'`, (current) => {
      if (!current.webhookUrl) return null;
      const now = Date.now();
      const until = new Date(now + WEBHOOK_SECRET_OVERLAP_MS).toISOString();
      return {
        ...current,
        webhookSecret: newWebhookSecret(),
        ...(current.webhookSecret ? { previousWebhookSecret: { secret: current.webhookSecret, until } } : {}),
        updatedAt: new Date(now).toISOString(),
      };
    });
    return changed?.next ?? null;
  }

  /** A new feed key; the old one stops working at once. */
  async rotateKey(id: string): Promise<Subscription | null> {
    const changed = await this.change(id, `rotating the feed key of '${id}'`, (current) => ({
      ...current,
      feedKey: randomHex(16),
      updatedAt: new Date().toISOString(),
    }));
    return changed?.next ?? null;
  }

  /** Removes the subscription and its index entries; an unreadable record is removed too, so it cannot linger. */
  async remove(id: string): Promise<boolean> {
    return this.retrying(`removing subscription '${id}'`, async () => {
      const stored = await this.read(id);
      // No record: at most an id left in the set, which goes on its own.
      if (!stored) return (await this.redis.srem(this.keys.all, id)) > 0;
      return (await this.write(id, stored, null)) === CONFLICT ? CONFLICT : true;
    });
  }

  /**
   * Makes the own-topic registry say what the records say: drops topics no subscription has,
   * registers (and backfills) the ones a subscription has that are missing, and corrects the
   * topics' subscriber sets. Run at the dashboard's start and by `tidings subscribers check`.
   */
  async reconcileOwnTopics(): Promise<OwnTopicRepair> {
    const repair = await this.retrying(
      'checking the own-topic registry',
      async () => (await reconcileOwnTopics(this.redis, this.keys, this.sharedKeys, this.reconcileCommand)) ?? CONFLICT,
    );
    await this.options.onNewOwnTopics?.(repair.missingAdded.map((topic) => topic.id));
    return repair;
  }
}
