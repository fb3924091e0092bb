import { dashboardBaseUrl, describeZodError, loadConfig, NewSubscriptionSchema } from '@tidings/shared';
import { subscriptionView } from '@tidings/subscriptions';
import { UsageError } from '../errors/usage-error.js';
import { withStackConnection } from '../stack-connection.js';

export interface SubscriberFlags {
  name?: string;
  topics?: string;
  email?: string;
  webhook?: string;
}

export async function subscribersCommand(action: string | undefined, args: string[], flags: SubscriberFlags) {
  const config = loadConfig();
  return withStackConnection(config, async ({ subscriptions }) => {
    switch (action) {
      case 'add': {
        const parsed = NewSubscriptionSchema.safeParse({
          name: flags.name,
          topics: flags.topics
            ?.split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          ...(flags.email ? { email: flags.email } : {}),
          ...(flags.webhook ? { webhookUrl: flags.webhook } : {}),
        });
        if (!parsed.success) {
          throw new UsageError(
            `subscribers add: ${describeZodError(parsed.error)}; try: tidings subscribers add --name N --topics Crypto,IPO [--email a@example.com] [--webhook URL]`,
          );
        }
        const sub = await subscriptions.create(parsed.data);
        const shown = {
          ...subscriptionView(sub, dashboardBaseUrl(config)),
          ...(sub.webhookSecret ? { webhookSecret: sub.webhookSecret } : {}),
        };
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
        if (sub.webhookSecret)
          process.stderr.write('The webhook secret is shown only now: keep it to verify deliveries.\n');
        return 0;
      }
      case 'list':
        for (const sub of await subscriptions.list()) {
          process.stdout.write(`${JSON.stringify(subscriptionView(sub, dashboardBaseUrl(config)))}\n`);
        }
        return 0;
      case 'remove': {
        const id = args[0];
        if (!id) throw new UsageError('subscribers remove needs an id: tidings subscribers remove <id>');
        if (!(await subscriptions.remove(id))) {
          process.stderr.write(`tidings: no subscription '${id}'\n`);
          return 1;
        }
        process.stderr.write(`removed ${id}\n`);
        return 0;
      }
      case 'rotate-secret': {
        const id = args[0];
        if (!id) throw new UsageError('subscribers rotate-secret needs an id: tidings subscribers rotate-secret <id>');
        const sub = await subscriptions.rotateWebhookSecret(id);
        if (!sub) {
          process.stderr.write(`tidings: no subscription '${id}' with a webhook\n`);
          return 1;
        }
        process.stdout.write(`${JSON.stringify({ id: sub.id, webhookSecret: sub.webhookSecret }, null, 2)}\n`);
        process.stderr.write(
          'The new webhook secret is shown only now; the old one signs beside it for 24 hours, then stops.\n',
        );
        return 0;
      }
      default:
        throw new UsageError(`unknown subscribers command '${action ?? ''}': try add, list, remove or rotate-secret`);
    }
  });
}
