import {
  buildReclassifyFlow,
  type KeySpaceSource,
  newReclassifyRunId,
  QUEUE,
  ReclassifyRequestError,
  type ReclassifySelection,
  redisKeys,
} from '@tidings/shared';
import { FlowProducer, type Queue } from 'bullmq';

/**
 * Takes the one reclassify slot for `runId` unless a run holds it whose parent is still
 * waiting: KEYS[1] the slot; ARGV[1] the new run, ARGV[2] the run the caller found stale
 * ("" when the slot looked free). Returns the run that holds the slot afterwards.
 */
const TAKE_SLOT = `
local held = redis.call('GET', KEYS[1])
if (not held) or held == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1])
  return ARGV[1]
end
return held`;

/** What taking the reclassify slot needs of a Redis client (ioredis's Redis and Cluster have it). */
export interface SlotClient {
  get(key: string): Promise<string | null>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

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
  const slot = redisKeys(space).reclassifyActive;
  const runId = newReclassifyRunId(now);
  const held = await redis.get(slot);
  let stale = '';
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
  const holder = (await redis.eval(TAKE_SLOT, 1, slot, runId, stale)) as string;
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
    await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end", 1, slot, runId);
    throw err;
  } finally {
    await flows.close();
  }
  return runId;
}
