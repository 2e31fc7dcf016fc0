import { Validator } from '@seriousme/openapi-schema-validator';
import t from 'tap';
import { buildTestApp } from '../../support/app.js';

t.test(
  '/openapi.json is a valid OpenAPI 3.1 document with a schema and access rule on every operation',
  async (t) => {
    const { app } = await buildTestApp(t);
    const doc = (await app.inject('/openapi.json')).json();
    t.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc);
    t.ok(result.valid, JSON.stringify(result.errors ?? []).slice(0, 500));
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        t.ok(op.responses, `${method} ${path} documents its responses`);
        t.ok(op['x-access'] && op['x-access'] !== 'deny', `${method} ${path} declares who may call it`);
      }
    }
    const page = await app.inject('/docs/');
    t.equal(page.statusCode, 200, 'the browsable API page is served');
    t.match(page.headers['content-type'], /html/);
  },
);
