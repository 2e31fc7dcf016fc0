import { outboxPrefix } from '../storage/layout.js';
import type { ObjectStore } from '../storage/object-store.js';

/** A file in a workspace's outbox, as a release request may name it. */
export interface OutboxFile {
  name: string;
  size: number;
  lastModified: string;
}

/** The files in a workspace's outbox: names and sizes, never contents; by name. */
export async function listOutbox(
  store: ObjectStore,
  projectId: string,
  workspaceId: string,
): Promise<OutboxFile[]> {
  const prefix = outboxPrefix(projectId, workspaceId);
  const files: OutboxFile[] = [];
  for await (const object of store.list(prefix)) {
    files.push({
      name: object.key.slice(prefix.length),
      size: object.size,
      lastModified: object.lastModified.toISOString(),
    });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
