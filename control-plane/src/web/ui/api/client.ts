import type { Principal, TokenResponse } from './types.js';

/** A refusal from the API: its stable code, its reason, and the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// The access token lives in this module's memory only: never in storage, never in the page, so a
// script injected into the page cannot read it back later. The refresh token is an httpOnly cookie.
let accessToken: string | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<Principal | null> | undefined;
// Not a secret: only whether this browser logged in, so anonymous visitors skip a refresh that must fail.
const HAD_SESSION = 'klarsyn.hadSession';
const listeners = new Set<(principal: Principal | null) => void>();

/** Called with the principal after every login and refresh, and with null when the session ends. */
export function onSessionChange(listener: (principal: Principal | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function adopt(tokens: TokenResponse): Principal {
  accessToken = tokens.accessToken;
  localStorage.setItem(HAD_SESSION, '1');
  clearTimeout(refreshTimer);
  // Renew a minute before expiry (half-way for very short tokens), so requests never wait for it.
  const renewIn = Math.max(tokens.expiresIn - 60, tokens.expiresIn / 2) * 1000;
  refreshTimer = setTimeout(() => void refresh(), renewIn);
  for (const l of listeners) l(tokens.principal);
  return tokens.principal;
}

function forget(): null {
  accessToken = undefined;
  localStorage.removeItem(HAD_SESSION);
  clearTimeout(refreshTimer);
  for (const l of listeners) l(null);
  return null;
}

function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function parse<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => undefined);
  if (!res.ok) {
    throw new ApiError(res.status, body?.error ?? 'internal', body?.message ?? res.statusText, body?.details);
  }
  return body as T;
}

/** Calls the API as the signed-in person (or anonymously); one silent refresh if the token lapsed. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  let res = await send(method, path, body);
  if (res.status === 401 && accessToken !== undefined && (await refresh())) {
    res = await send(method, path, body);
  }
  return parse<T>(res);
}

/** A file the API sends as bytes (a released output), as the signed-in person. */
export async function download(path: string): Promise<Blob> {
  let res = await send('GET', path);
  if (res.status === 401 && accessToken !== undefined && (await refresh())) res = await send('GET', path);
  if (!res.ok) return parse<Blob>(res);
  return res.blob();
}

export async function login(username: string, password: string): Promise<Principal> {
  return adopt(await parse<TokenResponse>(await send('POST', '/api/v1/auth/login', { username, password })));
}

export async function logout(): Promise<void> {
  try {
    await parse(await send('POST', '/api/v1/auth/logout'));
  } finally {
    forget();
  }
}

/**
 * Exchanges the refresh cookie for a new access token. The cookie is rotated on use, so tabs take
 * turns (a Web Lock): a tab waiting behind another then presents the already-rotated cookie.
 */
export function refresh(): Promise<Principal | null> {
  if (!localStorage.getItem(HAD_SESSION)) return Promise.resolve(forget());
  refreshing ??= (async () => {
    try {
      const spend = async () => {
        const res = await send('POST', '/api/v1/auth/refresh');
        return res.ok ? adopt(await parse<TokenResponse>(res)) : forget();
      };
      return await (navigator.locks ? navigator.locks.request('klarsyn-refresh', spend) : spend());
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}
