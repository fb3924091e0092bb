import { CalibrationStore } from '@tidings/feedback';
import { type Logger, startWorkerService } from '@tidings/runtime';
import { type Config, keySpaceOf, type NotifyJob, NotifyJobSchema, QUEUE } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { type DeliveryOutcome, deliverNotification } from './deliver-digest.js';
import { DestinationSlots } from './destination-slots.js';
import { DeliveryError } from './errors/delivery-error.js';
import { DestinationBusyError } from './errors/destination-busy-error.js';
import { deliveryRetryDelay } from './retry-delay.js';
import { createMailer } from './send-email.js';

export interface NotifierOptions {
  config: Config;
  logger: Logger;
}

/**
 * The notifier service: a worker on "notify" that sends one run's digest to one destination
 * per job, or tells one WebSub hub that one topic feed changed. The job carries ids only;
 * the run and the subscription are read when sending, so an unsubscribe in between is
 * honoured. A failure that asking again cannot fix fails the job at once; others are retried
 * under the same delivery id, the wait doubling each time or as long as Retry-After asks. A
 * delivery whose destination is busy with another goes back to the queue for a moment, so a
 * receiver that stalls holds one worker slot, not all of them.
 */
export async function startNotifier(options: NotifierOptions) {
  const { config, logger } = options;
  // nodemailer connects on the first message, so an unused transport costs nothing.
  const mailer = config.notify.smtpUrl ? createMailer(config.notify.smtpUrl) : undefined;
  const service = startWorkerService<NotifyJob, DeliveryOutcome>({
    queue: QUEUE.notify,
    config,
    logger,
    schema: NotifyJobSchema,
    bindings: (job) => ({ runId: job.runId, destination: job.destination.kind }),
    process: async (job, bullJob, log, token) => {
      try {
        const run = await store.run(job.runId);
        if (!run) throw new DeliveryError(`run ${job.runId}`, 'the run is not in the topic store (yet)', true);
        const deps = { config, subscriptions, store, ownTopicMatches, mailer, slots, calibrations };
        const outcome = await deliverNotification(run, job, deps);
        const what = job.destination.kind === 'websub' ? 'hub ping' : 'digest';
        log.info(outcome, `${what} ${outcome.status}`);
        return outcome;
      } catch (err) {
        if (err instanceof DestinationBusyError) {
          // Not an attempt: the job waits in the queue, and this worker slot goes to another destination.
          await bullJob.moveToDelayed(Date.now() + err.waitMs, token);
          throw new DelayedError();
        }
        if (err instanceof DeliveryError && !err.retryable) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    worker: {
      concurrency: 4,
      settings: {
        backoffStrategy: (attemptsMade, _type, err, job) => {
          const backoff = job?.opts.backoff;
          const firstDelay = typeof backoff === 'object' ? backoff.delay : undefined;
          const retryAfter = err instanceof DeliveryError ? err.retryAfterMs : undefined;
          return deliveryRetryDelay(attemptsMade, firstDelay ?? config.notify.retryDelayMs, retryAfter);
        },
      },
    },
  });
  const space = keySpaceOf(config);
  const store = new TopicStoreReader(service.connection, space, { labelOrder: config.zeroShot.labels });
  const subscriptions = new SubscriptionStore(service.connection, space, { labels: config.zeroShot.labels });
  const ownTopicMatches = new OwnTopicMatches(service.connection, space);
  const slots = new DestinationSlots(service.connection, space);
  const calibrations = new CalibrationStore(service.connection, space);

  return {
    worker: service.worker,
    close: async () => {
      await service.close();
      mailer?.close();
    },
  };
}
export type Notifier = Awaited<ReturnType<typeof startNotifier>>;
