import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { fromBase64 } from '../../../audit/encoding.js';
import {
  decodeEvent,
  type Fetch,
  httpLogClient,
  leafHash,
  monitorLog,
  parseTilePath,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../../../audit/index.js';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { buildTestApp } from '../../support/app.js';
import { testEvent } from './support.js';

/** fetch over app.inject, so the HTTP client and monitor run against the real routes. */
function injectFetch(app: FastifyInstance): Fetch {
  return async (url) => {
    const res = await app.inject({ method: 'GET', url: url.replace(/^https?:\/\/[^/]+/, '') });
    return {
      ok: res.statusCode < 300,
      status: res.statusCode,
      text: async () => res.body,
      json: async () => res.json(),
    };
  };
}

async function waitForSize(app: FastifyInstance, size: number) {
  for (let i = 0; i < 200; i++) {
    const res = await app.inject({ method: 'GET', url: '/api/v1/log/checkpoint' });
    if (res.statusCode === 200 && Number(res.body.split('\n')[1]) >= size) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`log did not reach ${size}`);
}

t.test(
  'the public log API serves verifiable checkpoints, entries, proofs and tiles without login',
  async (t) => {
    const { app, pool } = await buildTestApp(t);
    const key = (await app.inject({ method: 'GET', url: '/api/v1/log/key' })).json();
    t.match(key, { origin: 'klarsyn.local/log', verifierKey: /^klarsyn\.local\/log\+[0-9a-f]{8}\+/ });
    const log = new TransparencyLog();
    for (let i = 0; i < 300; i++) await log.append(testEvent(i), pool);
    const note = await waitForSize(app, 300);
    const cp = verifyCheckpoint(note, [key.verifierKey], { origin: key.origin });
    t.equal(cp.size, 300);

    const res = await app.inject({ method: 'GET', url: '/api/v1/log/checkpoint' });
    t.match(res.headers['content-type'], /^text\/plain/);
    t.equal(res.headers['cache-control'], 'no-cache');

    const range = (await app.inject({ method: 'GET', url: '/api/v1/log/entries?start=10&end=20' })).json();
    t.same(
      range.entries.map((e: { index: number }) => e.index),
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    );
    t.same(decodeEvent(fromBase64(range.entries[0].data) as Uint8Array).details, { n: 10 });

    const entry = (await app.inject({ method: 'GET', url: '/api/v1/log/entries/123' })).json();
    t.equal(entry.size, 300);
    t.same(entry.event.details, { n: 123 });
    const data = fromBase64(entry.data) as Uint8Array;
    t.ok(
      verifyInclusion(leafHash(data), 123, 300, entry.proof.map(fromBase64), cp.root),
      'inclusion proof verifies',
    );
    t.equal(entry.checkpoint, note);

    const old = (await app.inject({ method: 'GET', url: '/api/v1/log/checkpoints/0' })).json();
    t.equal(old.size, 0, 'the empty log was checkpointed at start');
    const sizes = (
      await pool.query('SELECT size FROM tlog_checkpoints WHERE size > 0 ORDER BY size')
    ).rows.map((r) => Number(r.size));
    const first = (await app.inject({ method: 'GET', url: `/api/v1/log/checkpoints/${sizes[0]}` })).json();
    const consistency = (
      await app.inject({ method: 'GET', url: `/api/v1/log/proofs/consistency?from=${first.size}&to=300` })
    ).json();
    t.ok(
      verifyConsistency(
        first.size,
        300,
        consistency.proof.map(fromBase64),
        fromBase64(first.root) as Uint8Array,
        cp.root,
      ),
    );

    // tlog-tiles: a 300-leaf tree has one full level-0 tile, a partial one of 44, a level-1 tile of 1.
    const tile = await app.inject({ method: 'GET', url: '/api/v1/log/tile/0/000' });
    t.equal(tile.statusCode, 200);
    t.equal(tile.rawPayload.length, 256 * 32);
    t.equal(tile.headers['content-type'], 'application/octet-stream');
    t.match(tile.headers['cache-control'], /immutable/);
    const leaves = (await app.inject({ method: 'GET', url: '/api/v1/log/tile/0/001.p/44' })).rawPayload;
    t.same(
      leaves.subarray(32 * 43),
      Buffer.from(leafHash(await entryBytes(app, 299))),
      'level 0 holds leaf hashes',
    );
    t.equal((await app.inject({ method: 'GET', url: '/api/v1/log/tile/1/000.p/1' })).statusCode, 200);
    const bundle = (await app.inject({ method: 'GET', url: '/api/v1/log/tile/entries/001.p/44' })).rawPayload;
    t.equal(
      bundle.readUInt16BE(0),
      (await entryBytes(app, 256)).length,
      'entry bundles are uint16 length-prefixed',
    );
    t.ok(parseTilePath('tile/entries/001.p/44'));
    for (const url of [
      '/api/v1/log/tile/0/001',
      '/api/v1/log/tile/0/001.p/45',
      '/api/v1/log/tile/0/01',
      '/api/v1/log/tile/entries/002',
    ]) {
      t.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
    }

    // Bad input: a clear 4xx with a reason. Batches decide which sizes were signed, so the
    // unsigned size is looked up rather than assumed.
    const unsigned = [...Array(300).keys()].find((n) => n > 1 && !sizes.includes(n));
    for (const [url, status] of [
      ['/api/v1/log/entries?start=5&end=5', 400],
      ['/api/v1/log/entries?start=0&end=5000', 400],
      ['/api/v1/log/entries?start=-1&end=5', 400],
      ['/api/v1/log/entries/300', 404],
      [`/api/v1/log/entries/1?size=${unsigned}`, 404],
      ['/api/v1/log/proofs/consistency?from=0&to=300', 400],
      ['/api/v1/log/proofs/consistency?from=10&to=301', 400],
      ['/api/v1/log/checkpoints/12345', 404],
    ] as const) {
      const r = await app.inject({ method: 'GET', url });
      t.equal(r.statusCode, status, url);
      t.ok(r.json().message, `${url} says why`);
    }

    const run = await monitorLog(httpLogClient('http://log.test/api/v1/log', injectFetch(app)), {
      verifierKeys: [key.verifierKey],
    });
    t.equal(run.checked, 300, 'a monitor verifies the whole log over the API');
  },
);

async function entryBytes(app: FastifyInstance, index: number): Promise<Uint8Array> {
  const r = (
    await app.inject({ method: 'GET', url: `/api/v1/log/entries?start=${index}&end=${index + 1}` })
  ).json();
  return fromBase64(r.entries[0].data) as Uint8Array;
}
