// /metrics: Prometheus text with request durations by method, route pattern and status.
import t from 'tap';
import { buildTestApp } from '../../support/app.js';

t.test('request durations are counted per route pattern and status', async (t) => {
  const { app } = await buildTestApp(t);
  for (let i = 0; i < 3; i++) await app.inject('/healthz');
  await app.inject('/api/v1/catalog/sources/no_such_source');
  await app.inject('/api/v1/nothing');
  const res = await app.inject('/metrics');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain/);
  const count = (labels: string) =>
    Number(
      new RegExp(`^klarsyn_http_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(
        res.body,
      )?.[1],
    );
  t.equal(count('method="GET",route="/healthz",status="200"'), 3);
  t.equal(
    count('method="GET",route="/api/v1/catalog/sources/:id",status="404"'),
    1,
    'the route pattern, never the id a caller sent',
  );
  t.equal(count('method="GET",route="unmatched",status="404"'), 1);
  t.match(res.body, /^process_cpu_seconds_total /m, 'and the process metrics');
});
