import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RangeServerOptions {
  /** The first request for each path sends this many body bytes, then drops the connection. */
  cutAfter?: number;
  /** Answer every request with the whole file (200), as servers without Range support do. */
  ignoreRange?: boolean;
}

export interface RangeServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Every request received: its path and Range header. */
  requests: { path: string; range: string | undefined }[];
  close(): Promise<void>;
}

/** Random bytes, with their sha256. */
export function makeFile(bytes: number): { body: Buffer; sha256: string } {
  const body = randomBytes(bytes);
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}

/** A loopback HTTP server for `files` (path → bytes) that honours `Range: bytes=N-`. */
export async function startRangeServer(
  files: Record<string, Buffer>,
  options: RangeServerOptions = {},
): Promise<RangeServer> {
  const requests: RangeServer['requests'] = [];
  const served = new Set<string>();
  const server = http.createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path: urlPath, range: req.headers.range });
    const body = files[urlPath];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (match && !options.ignoreRange) {
      start = Number(match[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'Content-Length': body.length - start,
      });
    } else {
      res.writeHead(200, { 'Content-Length': body.length });
    }
    const rest = body.subarray(start);
    const first = !served.has(urlPath);
    served.add(urlPath);
    if (first && options.cutAfter !== undefined) {
      res.write(rest.subarray(0, options.cutAfter), () => req.socket.destroy());
    } else {
      res.end(rest);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback server that accepts connections and never answers. */
export async function startSilentServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
