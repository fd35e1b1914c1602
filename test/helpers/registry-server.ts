/**
 * A local registry for tests: serves synthetic packuments and tarballs over real HTTP on a
 * loopback port, records every request (path and headers), and lets a test script failures
 * (status sequences, Retry-After, dropped connections) per path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Destroy the socket instead of answering (a network error). */
  drop?: boolean;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
}

export class TestRegistry {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, (req: IncomingMessage) => Scripted>();
  private readonly scripts = new Map<string, Scripted[]>();
  private server: Server | undefined;
  url = '';

  /** Serves `body` at `path` (with an ETag, honouring If-None-Match). */
  serve(path: string, body: string | Buffer, headers: Record<string, string> = {}): void {
    this.routes.set(path, (req) => {
      if (headers.etag !== undefined && req.headers['if-none-match'] === headers.etag)
        return { status: 304, headers };
      return { status: 200, headers, body };
    });
  }

  /** Answers the next requests to `path` with these, in order, before the normal route. */
  script(path: string, ...responses: Scripted[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...responses]);
  }

  hits(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    this.requests.push({ path, headers: req.headers });
    const queued = this.scripts.get(path);
    const answer =
      queued !== undefined && queued.length > 0 ? queued.shift()! : this.routes.get(path)?.(req);
    if (answer === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    if (answer.drop === true) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }
}
