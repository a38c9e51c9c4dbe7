import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './app-env.ts';
import { auditRoutes } from './audit/index.tsx';
import { containerRoutes } from './containers/index.tsx';
import { renderError, renderNotFound } from './errors.tsx';
import { accountRoutes } from './account/index.tsx';
import { authRoutes } from './auth/index.ts';
import { healthRoutes } from './health/index.ts';
import { homeRoutes } from './home/index.tsx';
import { hostRoutes } from './hosts/index.tsx';
import { imageRoutes } from './images/index.tsx';
import { logsRoutes } from './logs/index.tsx';
import { requireAuditWritable } from './middleware/audit-writable.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { injectDeps } from './middleware/inject-deps.ts';
import { loadSession, requireUser } from './middleware/session.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { usersRoutes } from './users/index.tsx';

/**
 * Builds the control plane from its dependencies. It keeps no state of its
 * own, so any number of instances (Node or Workers) behave as one.
 */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(securityHeaders(), injectDeps(deps), loadSession(), csrfProtection(), requireAuditWritable());

  // Public: reachable without a session.
  app.route('/healthz', healthRoutes);
  app.route('/', authRoutes);

  // Everything below needs a signed-in user.
  app.use(requireUser());
  app.route('/', homeRoutes);
  app.route('/', auditRoutes);
  app.route('/hosts', hostRoutes);
  app.route('/account', accountRoutes);
  app.route('/users', usersRoutes);
  app.route('/containers', containerRoutes);
  app.route('/images', imageRoutes);
  app.route('/logs', logsRoutes);

  app.onError(renderError);
  app.notFound(renderNotFound);
  return app;
}

export type BerthApp = ReturnType<typeof createApp>;
