/**
 * Prometheus metrics for the report service, on a separate admin listener that is off by
 * default (`depwarden serve --metrics-port`): counters of submissions, analyses and deletions,
 * the queue, and HTTP answers by route pattern and status. Never an id, a locator or a token:
 * labels are route patterns and status codes only.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { ReportService } from './service.js';

export interface HttpCounts {
  /** `METHOD route status` → count. */
  readonly byRoute: Map<string, number>;
}

/** Counts every answer of `app` by method, route pattern and status (call before routes). */
export function countRequests(app: FastifyInstance): HttpCounts {
  const byRoute = new Map<string, number>();
  app.addHook('onResponse', async (req, reply) => {
    const key = `${req.method} ${req.routeOptions.url ?? 'unmatched'} ${reply.statusCode}`;
    byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
  });
  return { byRoute };
}

export function renderMetrics(service: ReportService, http: HttpCounts): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  };
  const c = service.counters;
  metric('depwarden_reports_submitted_total', 'counter', 'New snapshots accepted.', c.submitted);
  metric(
    'depwarden_reports_existing_total',
    'counter',
    'Uploads of snapshots already known.',
    c.existing,
  );
  metric('depwarden_analyses_done_total', 'counter', 'Analyses finished.', c.done);
  metric('depwarden_analyses_failed_total', 'counter', 'Analyses failed.', c.failed);
  metric('depwarden_reports_deleted_total', 'counter', 'Reports deleted.', c.deleted);
  metric('depwarden_reports_refreshed_total', 'counter', 'Refreshes queued.', c.refreshed);
  metric('depwarden_analyses_running', 'gauge', 'Analyses running now.', service.load.running);
  metric('depwarden_analyses_queued', 'gauge', 'Snapshots waiting.', service.load.queued);
  lines.push('# HELP depwarden_http_responses_total HTTP answers by method, route and status.');
  lines.push('# TYPE depwarden_http_responses_total counter');
  for (const [key, count] of [...http.byRoute].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [method, route, status] = key.split(' ');
    lines.push(
      `depwarden_http_responses_total{method="${method}",route="${(route ?? '').replace(/["\\\n]/g, '_')}",status="${status}"} ${count}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The admin listener's app: GET /metrics only. */
export function buildMetricsApp(service: ReportService, http: HttpCounts): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(renderMetrics(service, http)),
  );
  return app;
}
