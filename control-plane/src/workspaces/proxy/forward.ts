import { type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AppEndpoint } from '../runtime.js';
import { SESSION_COOKIE } from './sessions.js';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1); never forwarded on HTTP. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
];

/**
 * What the app sees of a request: the caller's own credentials removed (the Klarsyn session cookie,
 * any Authorization header) and the workspace's app token in their place, so the app answers the
 * proxy and nobody else.
 */
export function upstreamHeaders(
  headers: IncomingHttpHeaders,
  appToken: string,
  remoteAddress: string | undefined,
  upgrade: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'authorization' || name === 'cookie') continue;
    if (!upgrade && HOP_BY_HOP.includes(name)) continue;
    out[name] = value;
  }
  const cookies = (headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith(`${SESSION_COOKIE}=`));
  if (cookies.length > 0) out.cookie = cookies.join('; ');
  out.authorization = `token ${appToken}`;
  out['x-forwarded-for'] = remoteAddress ?? '';
  return out;
}

function target(endpoint: AppEndpoint): { socketPath: string } | { host: string; port: number } {
  return 'socketPath' in endpoint
    ? { socketPath: endpoint.socketPath }
    : { host: endpoint.host, port: endpoint.port };
}

/** Streams one HTTP exchange to the app and back; a dead app is a 502 if nothing was sent yet. */
export function forwardHttp(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: AppEndpoint,
  appToken: string,
): void {
  const upstream = request({
    ...target(endpoint),
    method: req.method,
    path: req.url,
    headers: upstreamHeaders(req.headers, appToken, req.socket.remoteAddress, false),
  });
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'unavailable', message: 'the workspace did not answer' }));
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

/**
 * Splices an upgraded connection (WebSocket: kernels, terminals) to the app: the request head is
 * re-sent with the app token, then bytes flow both ways until either side closes.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  endpoint: AppEndpoint,
  appToken: string,
  onTraffic: () => void,
): void {
  const upstream: Socket =
    'socketPath' in endpoint ? connect(endpoint.socketPath) : connect(endpoint.port, endpoint.host);
  upstream.once('connect', () => {
    const headers = upstreamHeaders(req.headers, appToken, req.socket.remoteAddress, true);
    const lines = Object.entries(headers).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`),
    );
    upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  client.on('data', onTraffic);
  const close = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on('error', close);
  upstream.on('close', close);
  client.on('error', close);
  client.on('close', close);
}

const PHRASE: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
};

/** Answers an upgrade request that may not pass, in the API's error shape, and closes it. */
export function refuseUpgrade(
  client: Duplex,
  status: 401 | 403 | 404 | 409,
  error: string,
  message: string,
): void {
  const body = JSON.stringify({ error, message });
  client.end(
    `HTTP/1.1 ${status} ${PHRASE[status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
