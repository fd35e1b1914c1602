/**
 * The report service's HTTP API (Fastify), a thin layer over ReportService: JSON schemas on
 * every route for params, body and response, coded errors mapped to 4xx without stack
 * traces, and no route that lists, searches or enumerates reports.
 *
 * Built so the hardening issue adds and does not rewrite: TLS, headers, rate limits and the
 * web viewer are plugins registered on the instance this returns.
 */
import Fastify, { type FastifyInstance, type FastifyServerFactory } from 'fastify';
import { isDepwardenError } from '../errors/index.js';
import { registerViewerRoutes } from '../viewer/index.js';
import { applySecurityHeaders, mainFrameworkErrors } from './headers.js';
import { registerRateLimits, type LimitSettings, type RateLimitStore } from './limits.js';
import { countRequests, type HttpCounts } from './metrics.js';
import { ID_PARAMS, idSafeLogger } from './route-common.js';
import { QueueFullError, type ReportService } from './service.js';

export interface AppOptions {
  service: ReportService;
  /** Largest request body (the snapshot, base64 in JSON): default 96 MiB. */
  bodyLimit?: number;
  logger?: boolean;
  /** Proxies (addresses, CIDRs) whose X-Forwarded-For is believed for req.ip; none by default. */
  trustProxy?: string[];
  /** Rate limits and small body limits (src/server/limits.ts); none when absent. */
  limits?: LimitSettings;
  /** Where rate limiter state lives, with `limits` (default: in memory). */
  rateLimitStore?: RateLimitStore;
  /** The user-content origin (`https://host:port`) the viewer links evidence files to. */
  usercontentOrigin?: string;
  /** Makes the HTTP(S) server (serve passes the TLS listeners'); default: plain http. */
  serverFactory?: FastifyServerFactory;
}

const SUBMIT_BODY = {
  type: 'object',
  required: ['files'],
  additionalProperties: false,
  properties: {
    files: {
      type: 'array',
      minItems: 1,
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['path', 'content'],
        additionalProperties: false,
        properties: {
          path: { type: 'string', minLength: 1, maxLength: 4096 },
          content: { type: 'string', maxLength: 96 * 1024 * 1024, contentEncoding: 'base64' },
        },
      },
    },
  },
} as const;

const STATUS = { type: 'string', enum: ['queued', 'running', 'done', 'failed'] } as const;

const REPORT_RESPONSE = {
  type: 'object',
  required: ['id', 'status'],
  properties: {
    id: { type: 'string' },
    status: STATUS,
    url: { type: 'string' },
    reason: { type: 'string' },
    deleteToken: { type: 'string' },
    // The report's own schema is docs/report.schema.json; it is passed through as is.
    report: { type: 'object', additionalProperties: true },
  },
} as const;

const ERROR_RESPONSE = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, hint: { type: 'string' } },
} as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The response text: the envelope serialised, with the stored report's JSON text spliced in
 * as `report`. The report was produced by JSON.stringify in this service and authenticated
 * on the way out of the store, so it is served as is: parsing and serialising megabytes per
 * request would cost most of a GET.
 */
function withReport(envelope: Record<string, string>, reportJson: string | undefined): string {
  const head = JSON.stringify(envelope);
  return reportJson === undefined ? head : `${head.slice(0, -1)},"report":${reportJson}}`;
}

export function buildApp(options: AppOptions): FastifyInstance & { httpCounts: HttpCounts } {
  const { service } = options;
  const app = Fastify({
    logger: idSafeLogger(options.logger),
    bodyLimit: options.bodyLimit ?? 96 * 1024 * 1024,
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
    // Router errors skip the hooks: this one answers them with the security headers.
    frameworkErrors: mainFrameworkErrors,
    ...(options.serverFactory === undefined ? {} : { serverFactory: options.serverFactory }),
    // Strict schemas: an unknown key is an error, never silently removed; no type coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  // First: every response, the limiter's and the error handler's included, carries them.
  applySecurityHeaders(app);
  // Before any route: the limits attach to routes as they are declared.
  if (options.limits !== undefined)
    void registerRateLimits(app, options.limits, options.rateLimitStore);
  const httpCounts = countRequests(app);
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof QueueFullError)
      return reply
        .code(503)
        .header('retry-after', String(err.retryAfterSeconds))
        .send({ error: 'the analysis queue is full; try again later', code: 'QUEUE_FULL' });
    if (isDepwardenError(err))
      return reply.code(400).send({
        error: err.message,
        code: err.code,
        ...(err.hint === undefined ? {} : { hint: err.hint }),
      });
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return reply.code(status).send({
        error: err instanceof Error ? err.message : 'bad request',
        code: (err as { code?: string }).code ?? 'BAD_REQUEST',
      });
    app.log.error(
      { err: { message: err instanceof Error ? err.message : 'unknown' } },
      'internal error',
    );
    return reply.code(500).send({ error: 'internal error' });
  });

  const notFound = { error: 'no such report' };

  app.post(
    '/api/v1/reports',
    {
      schema: {
        body: SUBMIT_BODY,
        response: {
          201: REPORT_RESPONSE,
          202: REPORT_RESPONSE,
          400: ERROR_RESPONSE,
          503: ERROR_RESPONSE,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { files: { path: string; content: string }[] };
      const files = body.files.map((f) => {
        if (!BASE64.test(f.content) || f.content.length % 4 !== 0)
          throw Object.assign(
            new Error(`the content of ${JSON.stringify(f.path.slice(0, 200))} is not base64`),
            { statusCode: 400, code: 'BAD_BASE64' },
          );
        return { path: f.path, bytes: Buffer.from(f.content, 'base64') };
      });
      // A full queue (QueueFullError) reaches the error handler: 503 with Retry-After.
      const result = await service.submit(files);
      const url = `/api/v1/reports/${result.id}`;
      if (result.kind === 'created')
        return reply
          .code(202)
          .send({ id: result.id, status: result.status, url, deleteToken: result.deleteToken });
      return reply
        .code(result.status === 'done' ? 201 : 202)
        .type('application/json')
        .send(
          withReport(
            {
              id: result.id,
              status: result.status,
              url,
              ...(result.reason === undefined ? {} : { reason: result.reason }),
            },
            result.reportJson,
          ),
        );
    },
  );

  app.get(
    '/api/v1/reports/:id',
    { schema: { params: ID_PARAMS, response: { 200: REPORT_RESPONSE, 404: ERROR_RESPONSE } } },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const result = await service.status(id);
      if (!result.found) return reply.code(404).send(notFound);
      return reply.type('application/json').send(
        withReport(
          {
            id,
            status: result.status,
            ...(result.reason === undefined ? {} : { reason: result.reason }),
          },
          result.reportJson,
        ),
      );
    },
  );

  app.delete(
    '/api/v1/reports/:id',
    {
      schema: {
        params: ID_PARAMS,
        response: { 204: { type: 'null' }, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const outcome = await service.delete(id, req.headers.authorization);
      if (outcome === 'deleted') return reply.code(204).send();
      if (outcome === 'forbidden')
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'a delete token or an admin token is required' });
      return reply.code(404).send(notFound);
    },
  );

  app.post(
    '/api/v1/reports/:id/refresh',
    {
      schema: {
        params: ID_PARAMS,
        response: { 202: REPORT_RESPONSE, 404: ERROR_RESPONSE, 503: ERROR_RESPONSE },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      // A full queue (QueueFullError) reaches the error handler: 503 with Retry-After.
      const result = await service.refresh(id);
      if (!result.found) return reply.code(404).send(notFound);
      return reply.code(202).send({ id, status: result.status, url: `/api/v1/reports/${id}` });
    },
  );

  registerViewerRoutes(app, {
    service,
    ...(options.usercontentOrigin === undefined
      ? {}
      : { usercontentOrigin: options.usercontentOrigin }),
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ status: 'ready', ...service.load }));
  return Object.assign(app, { httpCounts });
}
