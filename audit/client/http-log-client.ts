import { fromBase64 } from '../encoding.js';
import { AuditError } from '../errors.js';
import type { LogClient } from '../monitor.js';

/** The fetch signature this client needs (global fetch in browsers and Node 20). */
export type Fetch = (
  url: string,
  init?: { headers?: Record<string, string> },
) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
}>;

export interface InclusionResponse {
  index: number;
  size: number;
  data: Uint8Array;
  proof: Uint8Array[];
}

/**
 * A LogClient over the Klarsyn log API (`<base>/checkpoint`, `/entries`, `/proofs/...`). It only
 * transports: every answer is verified by the caller against a signed checkpoint.
 */
export interface HttpLogClient extends LogClient {
  inclusion(index: number, size: number): Promise<InclusionResponse>;
  verifierKey(): Promise<{ origin: string; verifierKey: string }>;
}

export function httpLogClient(
  baseUrl: string,
  fetchFn: Fetch = globalThis.fetch as unknown as Fetch,
): HttpLogClient {
  const base = baseUrl.replace(/\/+$/, '');
  const get = async (path: string) => {
    const res = await fetchFn(`${base}${path}`, { headers: { accept: 'application/json, text/plain' } });
    if (!res.ok) {
      throw new AuditError(
        'unavailable',
        `GET ${base}${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`,
      );
    }
    return res;
  };
  const hashes = (list: unknown) => {
    if (!Array.isArray(list)) throw malformed('proof must be a list of hashes');
    return list.map((h) => {
      const bytes = typeof h === 'string' ? fromBase64(h) : undefined;
      if (bytes?.length !== 32) throw malformed('proof hashes must be base64 of 32 bytes');
      return bytes;
    });
  };
  return {
    checkpoint: async () => (await get('/checkpoint')).text(),
    async entries(start, end) {
      const body = (await (await get(`/entries?start=${start}&end=${end}`)).json()) as {
        entries?: { index: number; data: string }[];
      };
      const out: Uint8Array[] = [];
      // Only the gap-free run from `start` counts; a missing index ends the list.
      for (const e of body.entries ?? []) {
        const data = fromBase64(e.data);
        if (e.index !== start + out.length || !data) break;
        out.push(data);
      }
      return out;
    },
    async consistencyProof(size1, size2) {
      const body = (await (await get(`/proofs/consistency?from=${size1}&to=${size2}`)).json()) as {
        proof: unknown;
      };
      return hashes(body.proof);
    },
    async inclusion(index, size) {
      const body = (await (await get(`/entries/${index}?size=${size}`)).json()) as {
        index: number;
        size: number;
        data: string;
        proof: unknown;
      };
      const data = fromBase64(body.data);
      if (!data || body.index !== index || body.size !== size)
        throw malformed('entry response does not match the request');
      return { index, size, data, proof: hashes(body.proof) };
    },
    verifierKey: async () => (await (await get('/key')).json()) as { origin: string; verifierKey: string },
  };
}

function malformed(message: string): AuditError {
  return new AuditError('malformed_response', message);
}
