import { api } from '../../api/client.js';
import type { Project, Source } from '../../api/types.js';
import { type Resource, useResource } from '../../components/use-resource.js';

/** A project with the catalogue's sources, from which its application summary names the variables. */
export function useProjectWithSources(id: string): Resource<{ project: Project; sources: Source[] }> {
  return useResource(async () => {
    const [project, sources] = await Promise.all([
      api<Project>('GET', `/api/v1/projects/${id}`),
      api<Source[]>('GET', '/api/v1/catalog/sources'),
    ]);
    return { project, sources };
  }, [id]);
}
