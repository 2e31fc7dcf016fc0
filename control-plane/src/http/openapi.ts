import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version.js';

/** The OpenAPI 3.1 document is generated from the route schemas; nothing is written by hand. */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Klarsyn control plane',
        version: VERSION,
        description: 'Pseudonymised analysis platform for national health registers',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Access token or API token' },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const access = route.config?.access;
      const transformed = { ...schema } as Record<string, unknown>;
      if (access !== 'public') transformed.security = [{ bearer: [] }];
      transformed['x-access'] = access ?? 'deny';
      return { schema: transformed, url };
    },
  });
  app.get(
    '/openapi.json',
    { config: { access: 'public' }, schema: { summary: 'This OpenAPI 3.1 document' } },
    async () => app.swagger(),
  );
}

/** The browsable API page; its own routes are public assets. */
export async function installApiPage(app: FastifyInstance): Promise<void> {
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), access: 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { url: '/openapi.json' } });
  });
}
