import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from '../actors/ports.ts';
import { serveVisualizer } from '../web/vizRoutes.ts';
import { presentedApiKey } from './auth/presentedKey.ts';
import type { Principal } from './auth/roles.ts';
import type { ApiDependencies } from './context.ts';
import { createRequestContext } from './context.ts';
import type { Metrics } from './metrics.ts';
import { healthReport } from './readiness.ts';
import { appRouter } from './routers/appRouter.ts';

/**
 * One HTTP server: tRPC at `/trpc`, Prometheus at `/metrics`, plain health probes at `/health/live` and
 * `/health/ready` (503 when a dependency is down) for load balancers that do not speak tRPC. Every tRPC call and
 * `/viz` needs an API key (api/auth/); the health probes never do, `/metrics` only with METRICS_REQUIRE_KEY.
 */
/** The default of API_MAX_BODY_BYTES: larger bodies are refused (413) before they are parsed. */
export const MAX_BODY_BYTES = 512 * 1024;

export interface ApiServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startApiServer(options: {
  deps: ApiDependencies;
  metrics: Metrics;
  logger: Logger;
  host: string;
  port: number;
  maxBodyBytes?: number;
  /** `/metrics` answers 401 without a valid API key (any role). */
  metricsRequireKey?: boolean;
}): Promise<ApiServer> {
  const { deps, metrics, logger } = options;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: options.maxBodyBytes ?? MAX_BODY_BYTES,
    createContext: ({ req, res }) => createRequestContext(deps, req, res),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        logger.error({ err: error.cause ?? error, path }, 'api error');
    },
  });

  const server = http.createServer((req, res) => {
    const route = routeOf(req.url ?? '/');
    const stopTimer = metrics.httpDuration.startTimer({ route });
    res.on('finish', () => stopTimer({ status: String(res.statusCode) }));
    if (route === 'trpc') return trpc(req, res);
    if (route === 'viz' && serveVisualizer(req, res, deps.auth)) return;
    if (route === 'metrics') {
      if (!options.metricsRequireKey) return void sendMetrics(metrics, res);
      return void withValidKey(deps, req, res, () => sendMetrics(metrics, res));
    }
    if (route === 'live') return send(res, 200, { status: 'ok' });
    if (route === 'ready') {
      return void healthReport(deps).then((readiness) => send(res, readiness.ready ? 200 : 503, readiness));
    }
    return send(res, 404, {
      error: 'not found',
      see: ['/trpc', '/metrics', '/health/live', '/health/ready', '/viz'],
    });
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function routeOf(url: string): string {
  const path = url.split('?')[0] ?? '/';
  if (path.startsWith('/trpc/')) return 'trpc';
  if (path === '/metrics') return 'metrics';
  if (path === '/health/live') return 'live';
  if (path === '/health/ready') return 'ready';
  if (path === '/viz' || path.startsWith('/viz/')) return 'viz';
  return 'other';
}

/** Runs `serve` when the request presents a valid API key; answers 401 (or 503 if keys cannot be checked) if not. */
async function withValidKey(
  deps: ApiDependencies,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  serve: () => Promise<void>,
): Promise<void> {
  const key = presentedApiKey(req.headers);
  let principal: Principal | undefined;
  try {
    principal = key === undefined ? undefined : await deps.auth.authenticate(key);
  } catch {
    return send(res, 503, { error: 'the API key cannot be checked now; retry' });
  }
  if (principal) return serve();
  res.setHeader('www-authenticate', 'Bearer');
  send(res, 401, { error: key === undefined ? 'an API key is required' : 'the API key is not valid' });
}

async function sendMetrics(metrics: Metrics, res: http.ServerResponse): Promise<void> {
  res.setHeader('content-type', metrics.registry.contentType);
  res.end(await metrics.registry.metrics());
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
