import { requestOwnTopicPreview } from '@tidings/run-requests';
import { createRedis } from '@tidings/runtime';
import {
  type Config,
  dashboardBaseUrl,
  describeZodError,
  keySpaceOf,
  loadConfig,
  NewSubscriptionSchema,
  QUEUE,
  queuePrefix,
  SUBSCRIPTION_ID_PATTERN,
} from '@tidings/shared';
import { checkOwnTopics, subscriptionView } from '@tidings/subscriptions';
import { QueueEvents } from 'bullmq';
import { UsageError } from '../errors/usage-error.js';
import { formatOwnTopicPreview } from '../format-own-topic-preview.js';
import { withStackConnection } from '../stack-connection.js';

export type SubscribersAction =
  | {
      action: 'add';
      name?: string;
      topics?: string;
      own: string[];
      email?: string;
      webhook?: string;
      preview?: boolean;
    }
  | { action: 'list' }
  | { action: 'remove'; id: string }
  | { action: 'rotate-secret'; id: string }
  | { action: 'check' };

/** A new subscription as the flags give it, refused before any connection when it cannot be one. */
function readNewSubscription(flags: Extract<SubscribersAction, { action: 'add' }>) {
  const usage =
    'tidings subscribers add --name N --topics Crypto,IPO [--own "electric vehicles"] [--email a@example.com] [--webhook URL]';
  if (!flags.name) throw new UsageError('subscribers add needs --name N', { usage });
  if (!flags.topics && flags.own.length === 0)
    throw new UsageError('subscribers add needs --topics A,B or --own "WORDS"', { usage });
  const parsed = NewSubscriptionSchema.safeParse({
    name: flags.name,
    topics: (flags.topics ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    ownTopics: flags.own,
    ...(flags.email ? { email: flags.email } : {}),
    ...(flags.webhook ? { webhookUrl: flags.webhook } : {}),
  });
  if (!parsed.success) {
    throw new UsageError(`subscribers add: ${describeZodError(parsed.error)}`, { usage });
  }
  return parsed.data;
}

/**
 * `subscribers add --own … --preview`: each own topic, checked by the rules a save uses, is
 * previewed by a running classifier in turn; nothing is saved. The other flags are left
 * unread, so the same command line without --preview saves what was previewed.
 */
async function previewOwnTopics(config: Config, own: string[]): Promise<number> {
  if (own.length === 0)
    throw new UsageError('subscribers add --preview needs --own "WORDS": it previews own topics', {
      usage: 'tidings subscribers add --own "electric vehicles" [--own "WORDS"] --preview',
    });
  const topics = checkOwnTopics(own, config.zeroShot.labels, config.ownTopics);
  return withStackConnection(config, async ({ target, queues }) => {
    // QueueEvents blocks on its connection: one of its own, closed here, since BullMQ leaves a
    // connection it was given open.
    const eventsConnection = createRedis(target, { retryStrategy: () => null });
    const events = new QueueEvents(QUEUE.preview, {
      connection: eventsConnection,
      prefix: queuePrefix(keySpaceOf(config)),
    });
    // A lost connection shows as the preview's own failure, in one line, like the queues' errors.
    events.on('error', () => {});
    try {
      for (const words of topics) {
        const preview = await requestOwnTopicPreview(queues.preview, events, words, config.ownTopics.preview.timeoutMs);
        process.stdout.write(formatOwnTopicPreview(preview));
      }
      process.stderr.write('Previewed only: nothing was saved.\n');
      return 0;
    } finally {
      await events.close();
      eventsConnection.disconnect();
    }
  });
}

export async function subscribersCommand(command: SubscribersAction): Promise<number> {
  const config = loadConfig();
  switch (command.action) {
    case 'add': {
      if (command.preview) return previewOwnTopics(config, command.own);
      const subscription = readNewSubscription(command);
      return withStackConnection(config, async ({ subscriptions }) => {
        const sub = await subscriptions.create(subscription);
        const shown = {
          ...subscriptionView(sub, dashboardBaseUrl(config)),
          ...(sub.webhookSecret ? { webhookSecret: sub.webhookSecret } : {}),
        };
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
        if (sub.webhookSecret)
          process.stderr.write('The webhook secret is shown only now: keep it to verify deliveries.\n');
        return 0;
      });
    }
    case 'list':
      return withStackConnection(config, async ({ subscriptions }) => {
        for (const sub of await subscriptions.list()) {
          process.stdout.write(`${JSON.stringify(subscriptionView(sub, dashboardBaseUrl(config)))}\n`);
        }
        return 0;
      });
    case 'remove':
      return withStackConnection(config, async ({ subscriptions }) => {
        if (!(await subscriptions.remove(command.id))) {
          process.stderr.write(`tidings: no subscription '${command.id}'\n`);
          return 1;
        }
        process.stderr.write(`removed ${command.id}\n`);
        return 0;
      });
    case 'rotate-secret':
      if (!SUBSCRIPTION_ID_PATTERN.test(command.id))
        throw new UsageError(`'${command.id}' is not a subscription id (sub- and 16 hex digits)`, {
          usage: 'tidings subscribers rotate-secret <id>',
        });
      return withStackConnection(config, async ({ subscriptions }) => {
        const sub = await subscriptions.rotateWebhookSecret(command.id);
        if (!sub) {
          process.stderr.write(`tidings: no subscription '${command.id}' with a webhook\n`);
          return 1;
        }
        process.stdout.write(`${JSON.stringify({ id: sub.id, webhookSecret: sub.webhookSecret }, null, 2)}\n`);
        process.stderr.write(
          'The new webhook secret is shown only now; the old one signs beside it for 24 hours, then stops.\n',
        );
        return 0;
      });
    case 'check':
      return withStackConnection(config, async ({ subscriptions }) => {
        const repair = await subscriptions.reconcileOwnTopics();
        process.stdout.write(`${JSON.stringify(repair, null, 2)}\n`);
        process.stderr.write(
          `own-topic registry: orphaned topics removed ${repair.orphansRemoved.length}, missing registrations added ${repair.missingAdded.length}, subscriber entries fixed ${repair.holdersFixed}\n`,
        );
        return 0;
      });
  }
}
