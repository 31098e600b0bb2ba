import express, { type RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import client from 'prom-client';
import { isReachable } from '../db';
import { authFailureAuditor } from './audit';
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

function metrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'sira_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () =>
      end({ method: req.method, route: (req.route?.path as string | undefined) ?? 'unmatched', status: res.statusCode }),
    );
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
    }),
  );
  app.use(middleware);
  app.use(securityHeaders());
  // Before the general body parser: the Temporal UI sends larger batches, under its own limit.
  app.use('/codec', apiRateLimit(deps.config), codecRouter(deps));
  app.use('/liaison', liaisonRateLimit(deps.config));
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

  app.use('/v1', apiRateLimit(deps.config), bearerAuth(deps));
  const once = idempotency(deps);
  for (const spec of ROUTES) app[spec.method](spec.path, toExpressHandler(spec, deps, once));
  app.use('/liaison', liaisonRouter(deps));
  app.use((req, _res, next) => next(problem(404, `no route ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger));
  return app;
}
