import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  applyReclassify,
  classifierVersions,
  getReclassifyRun,
  listReclassifyRuns,
  type ReclassifyDeps,
  startReclassify,
} from '../../api/reclassify.js';
import {
  type ReclassifyRequestBody,
  ReclassifyRequestBodySchema,
  ReclassifyRunParamsSchema,
} from '../../api/requests.js';
import { sendResult } from '../reply.js';
import { requestSchema } from '../request-schema.js';
import type { RunLimit } from '../run-limit.js';

/** The page's form: a number of days back and a "dry run" checkbox ("on" when ticked). */
const ReclassifyFormSchema = z.strictObject({
  days: z.string().regex(/^\d{1,3}$/),
  dryRun: z.literal('on').optional(),
});

type RunParams = z.infer<typeof ReclassifyRunParamsSchema>;

/**
 * Lineage and re-scoring: which classifier version is current, the reclassify runs and their
 * reports, starting one (POST, JSON or the page's form) and applying a dry run. Writes pass
 * the guard like every write: the token when one is set, and a same-origin Origin.
 */
export async function reclassifyRoutes(
  app: FastifyInstance,
  options: { deps: ReclassifyDeps; runLimit: RunLimit },
): Promise<void> {
  const { deps } = options;
  const { base } = app.site;
  const params = requestSchema(ReclassifyRunParamsSchema);

  app.get('/api/classifier-versions', async (_request, reply) =>
    sendResult(reply, await classifierVersions(deps.data, deps.space)),
  );
  app.get('/api/reclassify', async (_request, reply) => sendResult(reply, await listReclassifyRuns(deps)));
  app.get<{ Params: RunParams }>('/api/reclassify/:id', { schema: { params } }, async (request, reply) =>
    sendResult(reply, await getReclassifyRun(deps, request.params.id)),
  );
  app.post<{ Body: ReclassifyRequestBody }>(
    '/api/reclassify',
    { onRequest: options.runLimit, schema: { body: requestSchema(ReclassifyRequestBodySchema) } },
    async (request, reply) => {
      const result = await startReclassify(deps, request.body);
      if (result.status === 202) request.log.info(result.body, 'reclassify requested');
      return sendResult(reply, result);
    },
  );
  app.post<{ Params: RunParams }>('/api/reclassify/:id/apply', { schema: { params } }, async (request, reply) =>
    sendResult(reply, await applyReclassify(deps, request.params.id)),
  );

  app.post('/reclassify', { onRequest: options.runLimit }, async (request, reply) => {
    const form = ReclassifyFormSchema.safeParse(request.body);
    const result = form.success
      ? await startReclassify(deps, { since: `${form.data.days}d`, dryRun: form.data.dryRun === 'on' })
      : undefined;
    if (result?.status === 202) {
      const { runId } = result.body as { runId: string };
      request.log.info(result.body, 'reclassify requested');
      return reply.redirect(`${base}/?started=${encodeURIComponent(runId)}`, 303);
    }
    return reply.redirect(`${base}/?refused=${result?.status === 409 ? 'reclassify-busy' : 'reclassify-request'}`, 303);
  });
  app.post<{ Params: RunParams }>('/reclassify/:id/apply', { schema: { params } }, async (request, reply) => {
    const result = await applyReclassify(deps, request.params.id);
    return reply.redirect(
      result.status === 200
        ? `${base}/?applied=${encodeURIComponent(request.params.id)}`
        : `${base}/?refused=reclassify-apply`,
      303,
    );
  });
}
