import type { FastifyInstance } from 'fastify';
import { commonErrors } from '../http/schemas.js';
import { type OutputProfile, profileSchema } from './profile.js';
import { loadProfile, profileNames } from './profile-files.js';

/**
 * The output-control profiles (`policies/output/*.yaml`) as read views: the thresholds each data
 * authority sets for what may leave a workspace. Read when asked, so an edited file shows at once;
 * a malformed file is the operator's error and answers 500 with the reason in the log.
 */
export default async function profileRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/output-profiles',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'The output-control profiles: thresholds for counts, magnitudes, models and row-level data',
        response: { 200: { type: 'array', items: profileSchema }, ...commonErrors },
      },
    },
    async (): Promise<OutputProfile[]> => profileNames().map((name) => loadProfile(name)),
  );
}
