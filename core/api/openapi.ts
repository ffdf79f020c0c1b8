// The OpenAPI 3.1 document of the API, built from the route table and the answer schemas, and
// served at /api/v1/openapi.json.
import { PRODUCT_VERSION } from '../version.ts';
import { SCHEMAS, type Schema } from './api-schemas.ts';
import type { ParamSpec } from './query-params.ts';
import { ROUTES, SESSION_NAME_PATTERN } from './routes.ts';

export const API_BASE = '/api/v1';

function parameterSchema(spec: ParamSpec): Schema {
  const schema: Record<string, unknown> = { type: spec.type };
  for (const key of ['enum', 'minimum', 'maximum', 'pattern', 'maxLength', 'default'] as const) if (spec[key] !== undefined) schema[key] = spec[key];
  if (spec.format) schema.format = spec.format;
  return schema;
}

const errorAnswer = (description: string): Schema => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export function openApiDocument(port: number): Schema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      description: "the session's UUID or the IDE's session id, or the start of either",
      schema: { type: 'string', pattern: SESSION_NAME_PATTERN },
    }));
    const ok =
      route.response === 'binary'
        ? { description: 'the export file', content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } }, 'application/vnd.apache.parquet': { schema: { type: 'string', format: 'binary' } } } }
        : { description: route.summary, content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.response}` } } } };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: [...pathParams, ...route.params.map((spec) => ({ name: spec.name, in: 'query', required: spec.required === true, description: spec.description, schema: parameterSchema(spec) }))],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.body}` } } } } } : {}),
      responses: {
        200: ok,
        400: errorAnswer('a parameter or the body is wrong; the message says which and what fits'),
        401: errorAnswer('no token, or the wrong one'),
        ...(pathParams.length > 0 ? { 404: errorAnswer('no such session') } : {}),
        503: errorAnswer('the store this answer needs (Redis or the database) is not reachable'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Blueplane local telemetry API',
      version: PRODUCT_VERSION,
      description: 'Processed telemetry of Claude Code and Cursor sessions on this machine. Every request needs Authorization: Bearer <token> (the token is the file api-token in the data folder).',
    },
    servers: [{ url: `http://127.0.0.1:${port}${API_BASE}` }],
    security: [{ bearer: [] }],
    paths,
    components: { schemas: SCHEMAS, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
