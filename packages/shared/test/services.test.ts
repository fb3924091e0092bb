import { describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../src/queues.js';
import { KIND_OF_QUEUE, MAIN_QUEUE, SERVICE_NAMES, SERVICES, WORKER_KINDS } from '../src/services.js';
import { WorkerKindSchema } from '../src/status.js';

describe('the service registry', () => {
  it('has every queue worked by exactly one kind of worker, so no job waits for a service that never comes', () => {
    const workers = QUEUE_NAMES.map((queue) => [
      queue,
      SERVICE_NAMES.filter((name) => (SERVICES[name].work?.queues as readonly string[] | undefined)?.includes(queue)),
    ]);
    expect(workers).toEqual(QUEUE_NAMES.map((queue) => [queue, [KIND_OF_QUEUE[queue]]]));
  });

  it('counts each kind of worker by one of the queues it works', () => {
    for (const kind of WORKER_KINDS) expect(SERVICES[kind].work.queues, kind).toContain(MAIN_QUEUE[kind]);
  });

  it('makes every service that works a queue a worker kind the status accepts, and only those', () => {
    for (const name of SERVICE_NAMES)
      expect(WorkerKindSchema.safeParse(name).success, name).toBe(SERVICES[name].work !== null);
    expect(WorkerKindSchema.safeParse('dashboard').success).toBe(false);
  });

  it('stops the producers before the workers they feed', () => {
    const stopOrder = (name: keyof typeof SERVICES) => SERVICES[name].stopOrder;
    expect(stopOrder('loader')).toBeLessThan(stopOrder('classifier'));
    expect(stopOrder('dashboard')).toBeLessThan(stopOrder('classifier'));
    expect(stopOrder('classifier')).toBeLessThan(stopOrder('aggregator'));
    expect(stopOrder('aggregator')).toBeLessThan(stopOrder('notifier'));
  });
});
