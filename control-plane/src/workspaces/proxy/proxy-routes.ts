import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { KlarsynError } from '../../errors.js';
import { errorBody } from '../../http/schemas.js';
import type { WorkspaceRuntime } from '../runtime.js';
import { getSecrets } from '../store.js';
import type { ActivityTracker } from './activity.js';
import { forwardHttp, forwardUpgrade, refuseUpgrade } from './forward.js';
import { type BrowserSessions, SESSION_COOKIE, TICKET_PARAM } from './sessions.js';

export interface ProxyOptions {
  sessions: BrowserSessions;
  runtime: WorkspaceRuntime;
  activity: ActivityTracker;
  appToken: (workspaceId: string) => Promise<string>;
  secureCookies: boolean;
  logger: Logger;
}

const PATH = /^\/workspaces\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//;

/**
 * The only way into a workspace: `/workspaces/<id>/…`, HTTP and WebSocket, for a browser session of
 * a member (see sessions.ts). Everything else about the sandbox is unreachable (no network in the
 * local sandbox; a default-deny NetworkPolicy admitting only the control plane on Kubernetes).
 */
export default async function proxyRoutes(app: FastifyInstance, opts: ProxyOptions): Promise<void> {
  // Bodies go to the app untouched, whatever their type or size.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.route<{ Params: { id: string; '*': string } }>({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/workspaces/:id/*',
    // The session cookie is checked here, not by the bearer-token access rule.
    config: { access: 'public' },
    schema: {
      summary:
        "A running workspace's app (JupyterLab, RStudio), proxied for project members with a browser session",
      params: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', format: 'uuid' }, '*': { type: 'string' } },
      },
      response: { 303: { type: 'null' }, 401: errorBody, 409: errorBody },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      const url = new URL(request.raw.url ?? '/', 'http://proxy');
      const ticket = url.searchParams.get(TICKET_PARAM);
      if (ticket) {
        const session = await opts.sessions.redeem(id, ticket);
        if (!session) {
          throw new KlarsynError(
            'unauthenticated',
            'this link was used already or has expired; ask Klarsyn for a new one',
          );
        }
        url.searchParams.delete(TICKET_PARAM);
        reply.setCookie(SESSION_COOKIE, session.token, {
          path: `/workspaces/${id}/`,
          httpOnly: true,
          sameSite: 'strict',
          secure: opts.secureCookies,
          expires: session.expiresAt,
        });
        return reply.redirect(`${url.pathname}${url.search}`, 303);
      }
      const token = request.cookies[SESSION_COOKIE];
      if (!token || !(await opts.sessions.authorize(id, token))) {
        throw new KlarsynError(
          'unauthenticated',
          'open the workspace through the link Klarsyn gives its members',
        );
      }
      const endpoint = await opts.runtime.endpoint(id);
      if (!endpoint) throw new KlarsynError('conflict', 'the workspace is not reachable right now');
      const appToken = await opts.appToken(id);
      opts.activity.touch(id);
      reply.hijack();
      forwardHttp(request.raw, reply.raw, endpoint, appToken);
    },
  });

  const onUpgrade = (req: IncomingMessage, client: Duplex, head: Buffer) => {
    upgrade(app, opts, req, client, head).catch((err) => {
      opts.logger.warn({ err }, 'workspace WebSocket failed');
      client.destroy();
    });
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.off('upgrade', onUpgrade);
  });
}

async function upgrade(
  app: FastifyInstance,
  opts: ProxyOptions,
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
): Promise<void> {
  const id = PATH.exec(req.url ?? '')?.[1];
  if (!id) return refuseUpgrade(client, 404, 'not_found', 'no such WebSocket endpoint');
  // Cross-site WebSocket hijacking: a page elsewhere must not ride on the member's cookie.
  const origin = req.headers.origin;
  if (origin && new URL(origin).host !== req.headers.host) {
    return refuseUpgrade(client, 403, 'forbidden', 'cross-origin WebSocket refused');
  }
  const token = app.parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
  if (!token || !(await opts.sessions.authorize(id, token))) {
    return refuseUpgrade(
      client,
      401,
      'unauthenticated',
      'open the workspace through the link Klarsyn gives its members',
    );
  }
  const endpoint = await opts.runtime.endpoint(id);
  if (!endpoint) return refuseUpgrade(client, 409, 'conflict', 'the workspace is not reachable right now');
  const appToken = await opts.appToken(id);
  opts.activity.touch(id);
  forwardUpgrade(req, client, head, endpoint, appToken, () => opts.activity.touch(id));
}

export const appTokenReader = (pool: Parameters<typeof getSecrets>[0]) => async (id: string) =>
  (await getSecrets(pool, id)).appToken;
