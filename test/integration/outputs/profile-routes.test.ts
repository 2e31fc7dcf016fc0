import t from 'tap';
import { addAccount, bearer, buildTestApp, login } from '../../support/app.js';

// The admin's read view of the output-control profiles: every file of policies/output, as parsed.
t.test('the output-control profiles are readable when logged in', async (t) => {
  const { app, pool } = await buildTestApp(t);
  t.equal((await app.inject('/api/v1/output-profiles')).statusCode, 401, 'not for anonymous callers');
  await addAccount(pool, 'p-admin', [{ role: 'admin' }]);
  const res = await app.inject({
    url: '/api/v1/output-profiles',
    headers: bearer(await login(app, 'p-admin')),
  });
  t.equal(res.statusCode, 200);
  const profiles = res.json() as { name: string; counts: { threshold: number }; magnitude: object }[];
  t.same(
    profiles.map((p) => p.name),
    ['acro', 'dst', 'opensafely', 'sds'],
  );
  const sds = profiles.find((p) => p.name === 'sds');
  t.equal(sds?.counts.threshold, 5, 'thresholds as the file states them');
  t.same(Object.keys(sds ?? {}).sort(), [
    'counts',
    'description',
    'individual',
    'magnitude',
    'name',
    'regression',
  ]);
});
