/**
 * What every listener of the report service declares the same way: the id parameter schema
 * and a request logger that never writes a URL (ids are secrets and ride in URLs).
 */
import type { FastifyServerOptions } from 'fastify';

/** Deliberately no pattern: a malformed id gets the same 404 as an unknown one. */
export const ID_PARAMS = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', maxLength: 200 } },
} as const;

/** Fastify's `logger` option: request logs carry the method and route pattern only. */
export function idSafeLogger(enabled: boolean | undefined): FastifyServerOptions['logger'] {
  if (enabled !== true) return false;
  return {
    serializers: {
      req: (req: { method: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        route: req.routeOptions?.url,
      }),
    },
  };
}
