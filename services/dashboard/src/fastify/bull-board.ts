import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fastifyHelmet from '@fastify/helmet';
import { QUEUE_NAMES, type QueueName } from '@tidings/shared';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

/**
 * Bull Board at /queues. Without a token nobody can be told apart, so the board is built
 * read-only (Bull Board fixes this per queue when the board is created: its API refuses
 * actions and its UI hides them); the guard refuses its writes as well.
 */
export async function bullBoard(
  app: FastifyInstance,
  options: { queues: Record<QueueName, Queue>; readOnly: boolean; base: string },
): Promise<void> {
  // Bull Board's UI relies on inline scripts and styles, so its scope keeps helmet without a CSP.
  await app.register(fastifyHelmet, { contentSecurityPolicy: false });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(`${options.base}/queues`);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(options.queues[name], { readOnlyMode: options.readOnly })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'tidings queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: '/queues' });
}
