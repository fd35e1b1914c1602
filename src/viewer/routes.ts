/**
 * The web viewer's routes on the main origin: `/` (the landing page), `/r/<id>` (a report),
 * `/assets/<hashed name>` (the stylesheet, script and icon), `/robots.txt`, and the
 * not-found answer for every other path (an HTML page for browsers, JSON under /api/).
 *
 * Report ids follow the API's rules: unknown, malformed and deleted ids get the same 404
 * page after the same work (ReportService.status does the hiding). A queued or running
 * report gets a page that reloads itself; a failed one says why. The main origin never
 * serves package file contents: evidence links point at the user-content origin.
 *
 * Pages are `Cache-Control: no-store` (their URLs carry the report id, a secret) and
 * `X-Robots-Tag: noindex`; hashed assets are immutable for a year.
 */
import { ID_PARAMS } from '../server/route-common.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DepwardenError } from '../errors/index.js';
import type { ScanReport } from '../report/types.js';
import type { ReportService } from '../server/service.js';
import { ASSET_PREFIX, viewerAssets, type ViewerAssets } from './assets.js';
import {
  renderFailedPage,
  renderLandingPage,
  renderNotFoundPage,
  renderPendingPage,
  renderViewerPage,
  type PageAssets,
} from './pages.js';

export interface ViewerRouteOptions {
  service: ReportService;
  /** The user-content origin (`https://host:port`); evidence links are left out without it. */
  usercontentOrigin?: string;
  /** The assets to serve (default: the ones beside the module, built or from source). */
  assets?: ViewerAssets;
}

export const HTML_TYPE = 'text/html; charset=utf-8';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

const ASSET_PARAMS = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: { type: 'string', maxLength: 100 } },
} as const;

/** Robots may read the landing page; reports and the API are not for indexes. */
const ROBOTS = 'User-agent: *\nDisallow: /r/\nDisallow: /api/\n';

/**
 * `https://host[:port]` with nothing after it: the only shape the user-content origin may
 * have. Returns the normalised origin; throws USAGE otherwise.
 */
export function parseUsercontentOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DepwardenError(
      'USAGE',
      `the user-content origin ${JSON.stringify(value)} is not a URL`,
    );
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search !== '' ||
    url.hash !== ''
  )
    throw new DepwardenError(
      'USAGE',
      `the user-content origin must be https://host[:port] and nothing more, not ${JSON.stringify(value)}`,
    );
  return url.origin;
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .type(HTML_TYPE)
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex, nofollow')
    .send(body);
}

/** Registers the viewer's routes and the not-found handler on the main app. */
export function registerViewerRoutes(app: FastifyInstance, o: ViewerRouteOptions): void {
  const assets = o.assets ?? viewerAssets();
  const usercontentOrigin =
    o.usercontentOrigin === undefined ? undefined : parseUsercontentOrigin(o.usercontentOrigin);
  const pageAssets: PageAssets = { css: assets.css, js: assets.js, icon: assets.icon };
  const landing = renderLandingPage(pageAssets);
  const notFound = renderNotFoundPage(pageAssets);

  app.get('/', async (_req, reply) =>
    reply.code(200).type(HTML_TYPE).header('cache-control', 'no-cache').send(landing),
  );

  app.get('/robots.txt', async (_req, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(ROBOTS),
  );

  app.get(`${ASSET_PREFIX}:name`, { schema: { params: ASSET_PARAMS } }, async (req, reply) => {
    const { name } = req.params as { name: string };
    const asset = assets.get(name);
    if (asset === undefined) return html(reply, 404, notFound);
    return reply
      .code(200)
      .type(asset.contentType)
      .header('cache-control', IMMUTABLE)
      .send(asset.bytes);
  });

  app.get('/r/:id', { schema: { params: ID_PARAMS } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const result = await o.service.status(id);
    if (!result.found) return html(reply, 404, notFound);
    if (result.status === 'queued' || result.status === 'running')
      return html(reply, 200, renderPendingPage(result.status, pageAssets));
    if (result.status === 'failed' || result.reportJson === undefined)
      return html(reply, 200, renderFailedPage(result.reason, pageAssets));
    const report = JSON.parse(result.reportJson) as ScanReport;
    return html(
      reply,
      200,
      renderViewerPage(report, {
        reportId: id,
        assets: pageAssets,
        ...(usercontentOrigin === undefined ? {} : { usercontentOrigin }),
      }),
    );
  });

  // One answer for every unknown path; never the path itself (it may carry an id).
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if ((req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/'))
      return html(reply, 404, notFound);
    return reply.code(404).send({ error: 'not found' });
  });
}
