import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/**
 * A route's JSON schema for one part of the request, made from the api's zod schema so the two
 * cannot say different things: a field added there is accepted here. Input side, so defaults
 * are filled in (Fastify's Ajv applies them). RegExp sources escape "/", which JSON Schema
 * patterns need not; unescaped, a refusal quotes the pattern as it was written.
 */
export function requestSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _draft, ...json } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'throw',
    override: ({ jsonSchema }) => {
      if (typeof jsonSchema.pattern === 'string') jsonSchema.pattern = jsonSchema.pattern.replaceAll('\\/', '/');
    },
  });
  return json;
}

/**
 * Only the fields and their types, for a route whose handler checks the values itself with
 * the same zod schema and words each refusal for a reader (GET /api/search): Ajv still
 * refuses unknown fields and coerces "20" to 20, and leaves every other message to zod.
 */
export function requestFields(schema: z.ZodType): JsonSchema {
  return typesOnly(requestSchema(schema));
}

function typesOnly(json: JsonSchema): JsonSchema {
  const kept: JsonSchema = {};
  if (json.type !== undefined) kept.type = json.type;
  if (json.additionalProperties !== undefined) kept.additionalProperties = json.additionalProperties;
  if (json.properties && typeof json.properties === 'object') {
    kept.properties = Object.fromEntries(
      Object.entries(json.properties as Record<string, JsonSchema>).map(([name, p]) => [name, typesOnly(p)]),
    );
  }
  if (json.items && typeof json.items === 'object') kept.items = typesOnly(json.items as JsonSchema);
  return kept;
}
