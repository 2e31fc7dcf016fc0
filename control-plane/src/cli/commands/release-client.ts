import { createHash } from 'node:crypto';
import { KlarsynError } from '../../errors.js';

/** What the server says about a release request (the fields the CLI shows). */
export interface RequestView {
  id: string;
  projectId: string;
  workspaceId: string;
  status: string;
  context: string;
  comment: string | null;
  profile: string | null;
  approvalsPerFile: number;
  viewer: string;
  createdAt: string;
  files: {
    id: string;
    name: string;
    revision: number;
    size: number;
    sha256: string;
    verdict: string | null;
    findings: { rule: string; severity: string; message: string }[] | null;
    releasedAt: string | null;
  }[];
  votes: {
    file: string;
    revision: number;
    vote: string;
    comment: string;
    mine: boolean;
    reviewer?: string;
  }[];
}

/**
 * The release API as a person calls it from a terminal: the server's address and their access
 * token (KLARSYN_TOKEN, an API token from the web application or `POST /api/v1/auth/tokens`).
 * A refusal becomes an error with the server's reason.
 */
export class ReleaseClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async call<T = RequestView>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, path, body);
    return (await res.json()) as T;
  }

  /** A released file's bytes, checked against the hash the server recorded for it. */
  async download(path: string, sha256: string): Promise<Buffer> {
    const res = await this.fetch('GET', path);
    const bytes = Buffer.from(await res.arrayBuffer());
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) {
      throw new KlarsynError(
        'conflict',
        `the download's SHA-256 ${actual} is not the released file's ${sha256}`,
      );
    }
    return bytes;
  }

  private async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new KlarsynError(
        'unavailable',
        `cannot reach ${this.base}: ${(e as Error).cause ?? (e as Error).message}`,
      );
    }
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {}
      throw new KlarsynError('bad_request', `${res.status}: ${message}`);
    }
    return res;
  }
}
