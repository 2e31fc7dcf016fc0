import pg from 'pg';
import t from 'tap';
import { LoginThrottle, retryAfterSeconds } from '../../../control-plane/src/auth/login-throttle.js';
import { buildTestApp } from '../../support/app.js';

// Two replicas behind one load balancer, each with its own connection pool to the one database:
// failures counted through either block logins through both, and a restart forgets none.
t.test('two replicas share one count of failed logins, per account and per address', async (t) => {
  const { pool, database } = await buildTestApp(t);
  const other = new pg.Pool({ connectionString: database.appUrl, max: 2 });
  t.teardown(() => other.end());
  let now = Date.parse('2026-11-22T12:00:00Z');
  const a = new LoginThrottle(pool, 3, 60_000, () => now);
  const b = new LoginThrottle(other, 3, 60_000, () => now);

  await a.recordFailure('10.0.0.1', 'ann');
  await b.recordFailure('10.0.0.2', 'ann');
  t.equal(await a.retryAfter('10.0.0.9', 'ann'), 0, 'two failures are under the limit');
  now += 1000;
  await a.recordFailure('10.0.0.1', 'ann');
  t.equal(
    await b.retryAfter('10.0.0.9', 'ann'),
    59,
    'the third, on the other replica, blocks the account until the first leaves the window',
  );
  t.equal(await b.retryAfter('10.0.0.1', 'bob'), 0, 'the address is not yet blocked for other accounts');

  // The address has 2 failures; 4 × 3 = 12 block it.
  for (const user of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) await b.recordFailure('10.0.0.1', user);
  t.equal(await a.retryAfter('10.0.0.1', 'zoe'), 0, 'eleven failures from one address are allowed');
  await b.recordFailure('10.0.0.1', 'k');
  t.ok((await a.retryAfter('10.0.0.1', 'zoe')) > 0, 'an address guessing many accounts is blocked');

  const restarted = new LoginThrottle(pool, 3, 60_000, () => now);
  t.ok((await restarted.retryAfter('10.0.0.9', 'ann')) > 0, 'a restarted replica still knows the block');

  now += 60_000;
  t.equal(await a.retryAfter('10.0.0.9', 'ann'), 0, 'failures expire with the window');
  await b.recordFailure('10.0.0.2', 'kim');
  const left = await pool.query<{ n: string }>('SELECT count(*) AS n FROM login_failures');
  t.equal(Number(left.rows[0]?.n), 2, 'expired failures are deleted when new ones arrive');

  await b.recordFailure('10.0.0.2', 'kim');
  await a.recordSuccess('kim');
  await b.recordFailure('10.0.0.2', 'kim');
  t.equal(await b.retryAfter('10.0.0.3', 'kim'), 0, 'a success resets the account count on every replica');
});

t.test('failed logins keep no typed text: a password typed as a username is not stored', async (t) => {
  const { pool } = await buildTestApp(t);
  const throttle = new LoginThrottle(pool, 5, 60_000);
  await throttle.recordFailure('192.0.2.7', 'correct horse battery staple');
  const { rows } = await pool.query<{ key: Buffer }>('SELECT key FROM login_failures');
  t.equal(rows.length, 2);
  for (const { key } of rows) {
    t.equal(key.length, 32, 'a SHA-256 key');
    t.notOk(key.toString('latin1').includes('horse'), 'not the text');
    t.notOk(key.toString('latin1').includes('192.0.2.7'), 'not the address');
  }
});

t.test('the wait is until the block-completing failure leaves the window', async (t) => {
  t.equal(retryAfterSeconds([], 60_000, 0), 0, 'nothing blocks');
  t.equal(retryAfterSeconds([1000, 5000], 60_000, 10_000), 55, 'the later block decides');
  t.equal(retryAfterSeconds([0], 60_000, 59_001), 1, 'part of a second rounds up');
});
