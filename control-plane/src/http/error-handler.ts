import type { FastifyError, FastifyInstance } from 'fastify';
import { isKlarsynError } from '../errors.js';

/**
 * One error shape for every failure: {error, message, details?}. Client errors say why; server
 * errors are logged in full and answered generically so nothing internal leaks.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isKlarsynError(err)) {
      if (err.status >= 500) request.log.error({ err }, 'request failed');
      return reply.code(err.status).send({
        error: err.code,
        message: err.status >= 500 ? 'internal error' : err.message,
        ...(err.details !== undefined && err.status < 500 ? { details: err.details } : {}),
      });
    }
    if (err.validation) {
      return reply.code(400).send({
        error: 'validation_failed',
        message:
          `request ${err.validationContext ?? ''} ${err.validation[0]?.message ?? 'is invalid'}`.replace(
            /\s+/g,
            ' ',
          ),
        details: err.validation.map((v) => ({ path: v.instancePath, message: v.message, params: v.params })),
      });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(status).send({ error: 'internal', message: 'internal error' });
    }
    return reply.code(status).send({ error: codeFor(status, err.code), message: err.message });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
}

/** fastify's own client errors (bad JSON, body too large, wrong content type) mapped to our codes. */
function codeFor(status: number, fastifyCode: string | undefined): string {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'too_many_requests';
  if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return 'bad_request';
  }
  return status === 404 ? 'not_found' : 'bad_request';
}
