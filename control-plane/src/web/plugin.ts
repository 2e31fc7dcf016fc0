import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KlarsynError } from '../errors.js';
import { errorBody } from '../http/schemas.js';
import { BuiltAssets, defaultWebRoot } from './built-assets.js';

const WILDCARD = {
  type: 'object',
  additionalProperties: false,
  required: ['*'],
  properties: { '*': { type: 'string', maxLength: 500 } },
} as const;

const file = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string' } } },
});

/**
 * Whether a GET is a person's browser asking for a page of the application, which the browser
 * then routes itself. API calls, files and non-browser clients keep getting a JSON 404 instead.
 */
function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] as string;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return (
    !path.startsWith('/api/') && !lastSegment.includes('.') && /text\/html/.test(request.headers.accept ?? '')
  );
}

/**
 * Serves the web application built by Vite: hashed files under /assets/ and index.html for every
 * other browser URL. All public: the pages hold no data; they fetch it from the API as the user.
 */
export default async function webRoutes(app: FastifyInstance, opts: { root?: string }): Promise<void> {
  const assets = new BuiltAssets(opts.root ?? defaultWebRoot());

  app.get<{ Params: { '*': string } }>(
    '/assets/*',
    {
      config: { access: 'public' },
      schema: {
        summary: 'A file of the web application (content-hashed name, cached for good)',
        params: WILDCARD,
        response: { 200: file('application/octet-stream', 'Script, style or image'), 404: errorBody },
      },
    },
    async (request, reply) => {
      const asset = await assets.asset(request.params['*']);
      if (!asset) throw new KlarsynError('not_found', 'no such file');
      return reply
        .type(asset.contentType)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(asset.body);
    },
  );

  app.get(
    '/*',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'The web application: every page URL answers with the same HTML, which routes in the browser',
        params: WILDCARD,
        response: { 200: file('text/html', 'The web application'), 404: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => {
      if (!wantsPage(request)) return reply.callNotFound();
      if (!assets.built) {
        // Sent as is: the root handler would hide a 5xx reason, and this one tells the operator what to do.
        return reply.code(503).send({
          error: 'unavailable',
          message: 'the web application is not built; run `npm run build:web`',
        });
      }
      // Always revalidated, so a new build's asset names reach browsers at once.
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(await assets.indexPage());
    },
  );
}
