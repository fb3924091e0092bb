import { createLogger } from '@tidings/runtime';
import { testConfig } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FeedQuerySchema,
  PageQuerySchema,
  RunRequestBodySchema,
  TopicsQuerySchema,
  TrendsQuerySchema,
} from '../src/api/requests.js';
import { buildDashboard } from '../src/index.js';
import { SearchQuerySchema } from '../src/search/search-query.js';

type JsonSchema = {
  type?: string;
  examples?: unknown[];
  minimum?: number;
  exclusiveMinimum?: number;
  items?: JsonSchema;
};

/** A value the field's JSON schema allows, to send as that field. */
function sample(field: JsonSchema): unknown {
  if (field.examples?.length) return field.examples[0];
  if (field.type === 'boolean') return true;
  if (field.type === 'integer' || field.type === 'number') return field.minimum ?? (field.exclusiveMinimum ?? 0) + 1;
  if (field.type === 'array') return [sample(field.items ?? {})];
  return 'x';
}

/** Each route beside the zod schema it takes its request schema from. */
const ROUTES = [
  { method: 'GET', path: '/api/topics', part: 'querystring', schema: TopicsQuerySchema },
  { method: 'GET', path: '/api/trends', part: 'querystring', schema: TrendsQuerySchema },
  { method: 'GET', path: '/api/runs', part: 'querystring', schema: PageQuerySchema },
  { method: 'GET', path: '/api/topics/Crypto/articles', part: 'querystring', schema: PageQuerySchema },
  { method: 'GET', path: '/api/search?q=oil', part: 'querystring', schema: SearchQuerySchema },
  { method: 'GET', path: '/feeds/all.xml', part: 'querystring', schema: FeedQuerySchema },
  { method: 'POST', path: '/api/runs', part: 'body', schema: RunRequestBodySchema },
] as const;

let app: Awaited<ReturnType<typeof buildDashboard>>['app'];
let address = '';
beforeAll(async () => {
  ({ app } = await buildDashboard({
    config: testConfig(),
    logger: createLogger('request-schemas-test', { level: 'silent' }),
  }));
  address = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => app.close());

function send(route: (typeof ROUTES)[number], fields: Record<string, unknown>) {
  const url = new URL(route.path, address);
  if (route.method === 'GET') {
    for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, String(value));
    return fetch(url);
  }
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) });
}

describe('the routes take their request schemas from the api’s zod schemas', () => {
  it.each(ROUTES)(
    '$method $path accepts every field its zod schema names, so one added there needs no change to the route',
    async (route) => {
      const { properties } = z.toJSONSchema(route.schema, { io: 'input' }) as {
        properties: Record<string, JsonSchema>;
      };
      expect(Object.keys(properties).length).toBeGreaterThan(0);
      for (const [name, field] of Object.entries(properties)) {
        const res = await send(route, { [name]: sample(field) });
        const body = res.headers.get('content-type')?.includes('json') ? await res.json() : {};
        // Some values are refused by the handler (a day outside retention); never the field itself.
        expect(`${res.status} ${body.message ?? ''}`, name).not.toMatch(/additional properties|not a field/);
        expect(res.status, `${name}: ${body.message}`).toBeLessThan(500);
      }
    },
  );

  it.each(ROUTES)('$method $path refuses a field its zod schema does not name, with 400 naming it', async (route) => {
    const res = await send(route, { notAField: 1 });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(`${route.part}/notAField is not a field this accepts`);
  });
});
