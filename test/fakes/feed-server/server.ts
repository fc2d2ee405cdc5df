// A local HTTP server that serves feed fixtures the way real sites do (and misbehave): ETag and
// Last-Modified with 304 replies, redirects (permanent and temporary), 404/500 with Retry-After,
// gzip bodies, and whatever Content-Type / charset a route claims. Tests describe routes and
// read the request log.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface Route {
  status?: number;
  body?: string | Buffer;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  gzip?: boolean;
  /** Redirect to this path or URL with `status` (default 301). */
  redirect?: string;
  headers?: Record<string, string>;
  /** Delay the answer (to test timeouts). */
  delayMs?: number;
}

export interface RequestLog {
  path: string;
  headers: IncomingMessage['headers'];
  status: number;
}

export class FeedServer {
  readonly routes = new Map<string, Route>();
  readonly log: RequestLog[] = [];
  private server: Server | null = null;
  url = '';

  route(path: string, r: Route): this {
    this.routes.set(path, r);
    return this;
  }

  hits(path: string): RequestLog[] {
    return this.log.filter((l) => l.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const r = this.routes.get(path);
      const send = (status: number, headers: Record<string, string>, body?: Buffer) => {
        this.log.push({ path, headers: req.headers, status });
        res.writeHead(status, headers);
        res.end(body);
      };
      const answer = () => {
        if (!r) return send(404, { 'content-type': 'text/plain' }, Buffer.from('not found'));
        if (r.redirect) return send(r.status ?? 301, { location: r.redirect, ...r.headers });
        const status = r.status ?? 200;
        const headers: Record<string, string> = { ...r.headers };
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.etag) headers.etag = r.etag;
        if (r.lastModified) headers['last-modified'] = r.lastModified;
        if (status === 200) {
          const inm = req.headers['if-none-match'];
          const ims = req.headers['if-modified-since'];
          if ((r.etag && inm === r.etag) || (!r.etag && r.lastModified && ims === r.lastModified)) return send(304, headers);
        }
        let body = typeof r.body === 'string' ? Buffer.from(r.body) : (r.body ?? Buffer.alloc(0));
        if (r.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
          body = gzipSync(body);
          headers['content-encoding'] = 'gzip';
        }
        headers['content-length'] = String(body.length);
        return send(status, headers, body);
      };
      if (r?.delayMs) setTimeout(answer, r.delayMs);
      else answer();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }
}
