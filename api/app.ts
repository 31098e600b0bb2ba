import express, { type Request, type RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import client from 'prom-client';
import { isReachable } from '../db';
import { authFailureAuditor } from './audit';
import { redactCodecLink } from '../platform/codec-link';
import { codecRouter } from './codec-endpoint';
import type { ApiDeps } from './deps';
import { apiRateLimit, liaisonRateLimit, securityHeaders } from './hardening';
import { liaisonRouter } from './liaison';
import { buildOpenApi } from './openapi';
import { HttpProblem, problem, problemHandler } from './problem';
import { idempotency } from './idempotency';
import { toExpressHandler } from './route';
import { ROUTES } from './routes';
import { RETRY_AFTER_SECONDS } from './unavailable';

const BODY_LIMIT = '100kb';

function bearerAuth(deps: ApiDeps): RequestHandler {
  // A request refused here never reaches its route, so the refusal is audited here.
  const auditRefusal = authFailureAuditor(ROUTES, deps);
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    try {
      if (!match) throw problem(401, 'a bearer token is required');
      req.caller = await deps.verifyToken(match[1]);
      next();
    } catch (error) {
      await auditRefusal(req, error instanceof HttpProblem ? error.status : 500).catch((auditError) =>
        req.log?.error({ err: auditError }, 'audit row not written'),
      );
      next(error);
    }
  };
}

/** pino's serialized request, with a codec link's token hidden from its url and params. */
function redactCodecLinkInRequest(req: { url?: string; params?: Record<string, unknown> }) {
  if (typeof req.url === 'string') req.url = redactCodecLink(req.url);
  if (req.params && 'token' in req.params) req.params = { ...req.params, token: '[redacted]' };
  return req;
}

/** The route pattern a request matched (`/v1/cases/:caseId`, never its ids), or `unmatched`. */
const routePattern = (req: Request): string => {
  const route = req.route?.path as string | undefined;
  return route === undefined ? 'unmatched' : `${req.baseUrl}${route}`;
};

/**
 * Prometheus series of this API instance: Node's defaults, and each request counted and timed by
 * method, route pattern and status (a scrape of every instance adds them up).
 */
function metrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'];
  const requests = new client.Counter({
    name: 'sira_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'sira_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: routePattern(req), status: res.statusCode };
      end(labels);
      requests.inc(labels);
    });
    next();
  };
  return { registry, middleware };
}

/** The Express app, built from injected dependencies so tests run it against their own servers. */
export function createApp(deps: ApiDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const { registry, middleware } = metrics();
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      // A personal codec endpoint carries its token in the path: never in a log line.
      serializers: { req: redactCodecLinkInRequest },
    }),
  );
  app.use(middleware);
  app.use(securityHeaders());
  // Before the general body parser: the Temporal UI sends larger batches, under its own limit.
  app.use('/codec', apiRateLimit(deps, 'codec'), codecRouter(deps));
  app.use('/liaison', liaisonRateLimit(deps));
  app.use(express.json({ limit: BODY_LIMIT, strict: true }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const [postgres, temporal] = await Promise.all([
      isReachable(deps.db),
      deps.temporal
        .withDeadline(Date.now() + 3000, () => deps.temporal.workflowService.getSystemInfo({}))
        .then(() => true)
        .catch(() => false),
    ]);
    const ready = postgres && temporal;
    if (!ready) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', postgres, temporal });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  const openapi = buildOpenApi(ROUTES);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  app.use('/v1', apiRateLimit(deps, 'v1'), bearerAuth(deps));
  const once = idempotency(deps);
  for (const spec of ROUTES) app[spec.method](spec.path, toExpressHandler(spec, deps, once));
  app.use('/liaison', liaisonRouter(deps));
  app.use((req, _res, next) => next(problem(404, `no route ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger));
  return app;
}
