import {
  buildReclassifyFlow,
  type KeySpaceSource,
  newReclassifyRunId,
  QUEUE,
  ReclassifyRequestError,
  type ReclassifySelection,
} from '@tidings/shared';
import { FlowProducer, type Queue } from 'bullmq';
import { ReclassifySlot, type SlotClient } from './reclassify-slot.js';

/** Parent states in which a run is still going. */
const RUNNING = new Set(['waiting-children', 'waiting', 'active', 'delayed', 'prioritized']);

/**
 * Starts a reclassify run and returns its id, or throws ReclassifyRequestError naming the
 * run already in progress (one at a time: two would classify the same articles twice over).
 * A slot left by a run that is gone (finished, failed, removed) is taken over.
 */
export async function requestReclassify(
  aggregateQueue: Queue,
  redis: SlotClient,
  space: KeySpaceSource,
  selection: ReclassifySelection,
  now = new Date(),
): Promise<string> {
  if (aggregateQueue.name !== QUEUE.aggregate)
    throw new Error(`requestReclassify needs the "${QUEUE.aggregate}" queue`);
  const slot = new ReclassifySlot(redis, space);
  const runId = newReclassifyRunId(now);
  const held = await slot.holder();
  let stale: string | null = null;
  if (held) {
    const state = await (await aggregateQueue.getJob(held))?.getState();
    if (state && RUNNING.has(state))
      throw new ReclassifyRequestError(
        `reclassify run ${held} is still running: one runs at a time`,
        `wait for it (\`tidings status\` shows its progress), then ask again`,
        true,
      );
    stale = held;
  }
  const holder = await slot.take(runId, stale);
  if (holder !== runId)
    throw new ReclassifyRequestError(
      `reclassify run ${holder} started just now: one runs at a time`,
      'wait for it, then ask again',
      true,
    );
  const flows = new FlowProducer({ connection: aggregateQueue.opts.connection, prefix: aggregateQueue.opts.prefix });
  try {
    await flows.add(buildReclassifyFlow(runId, selection, now));
  } catch (err) {
    await slot.release(runId);
    throw err;
  } finally {
    await flows.close();
  }
  return runId;
}
