// The release workflow through the HTTP API: separation of duties, N approvals, blocked files, the
// blind phase, every transition logged, release to the register and downloads by members only.
import { createHash } from 'node:crypto';
import t from 'tap';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import {
  type AccountRow,
  findAccountByUsername,
  principalOf,
} from '../../../control-plane/src/auth/accounts.js';
import { upsertLocalAccount } from '../../../control-plane/src/auth/local-accounts.js';
import { ReleaseService } from '../../../control-plane/src/outputs/release/index.js';
import { outboxPrefix } from '../../../control-plane/src/storage/layout.js';
import { bearer, login, TEST_PASSWORD } from '../../support/app.js';
import { api, BENIGN_FILES, counts, logEvents, ROWS_CSV, releaseBed, submitted } from './support.js';

const TABLE = 'patients_by_region_sex_2023.csv';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

t.test(
  'invariant 5: a benign request needs two approvals per file, then is released, registered and downloadable',
  async (t) => {
    const bed = await releaseBed(t);
    const call = api(bed.app);
    await bed.put(BENIGN_FILES);
    const request = await submitted(bed, [TABLE, 'model.csv']);
    t.equal(request.status, 'submitted');
    t.same(
      request.files.map((f: { name: string; verdict: string }) => [f.name, f.verdict]),
      [
        ['model.csv', 'pass'],
        [TABLE, 'pass'],
      ],
      'the automatic checks passed both, with outputs.yaml read from beside them',
    );
    const id = request.id as string;

    const queue = await call(bed.rev1, 'GET', '/release-requests/queue');
    t.same(
      queue.body.map((r: { id: string }) => r.id),
      [id],
      "it is in an independent reviewer's queue",
    );

    for (const file of [TABLE, 'model.csv']) {
      const v = await call(bed.rev1, 'POST', `/release-requests/${id}/votes`, { file, vote: 'approve' });
      t.equal(v.status, 200, v.res.body);
    }
    let state = await call(bed.rev1, 'GET', `/release-requests/${id}`);
    t.equal(state.body.status, 'partially_reviewed', 'one reviewer is not enough to end the review');
    t.equal(
      (await call(bed.rev1, 'POST', `/release-requests/${id}/approve`)).status,
      409,
      'invariant 5: one approval per file is not enough to approve',
    );
    for (const file of [TABLE, 'model.csv']) {
      await call(bed.rev2, 'POST', `/release-requests/${id}/votes`, {
        file,
        vote: 'approve',
        comment: 'fine',
      });
    }
    state = await call(bed.rev1, 'GET', `/release-requests/${id}`);
    t.equal(state.body.status, 'reviewed');
    t.equal(state.body.votes.length, 4, 'after the blind phase every vote is visible');
    const approved = await call(bed.rev3, 'POST', `/release-requests/${id}/approve`);
    t.equal(approved.body.status, 'approved', approved.res.body);
    const released = await call(bed.rev3, 'POST', `/release-requests/${id}/release`);
    t.equal(released.body.status, 'released', released.res.body);

    const register = await call({}, 'GET', `/register/projects/${bed.projectId}`);
    t.match(register.body.releases, [
      {
        id,
        releasedAt: String,
        files: [
          {
            name: 'model.csv',
            size: Buffer.byteLength(BENIGN_FILES['model.csv'] as string),
            sha256: sha(BENIGN_FILES['model.csv'] as string),
          },
          { name: TABLE, sha256: sha(BENIGN_FILES[TABLE] as string) },
        ],
      },
    ]);
    t.notMatch(register.res.body, /Hovedstaden/, 'hashes in the register, never contents');
    const listed = await call({}, 'GET', '/register/projects');
    t.equal(listed.body[0].releases[0].files.length, 2, 'the register list shows releases too');

    const file = released.body.files.find((f: { name: string }) => f.name === TABLE);
    const download = await call(bed.anna, 'GET', `/release-requests/${id}/files/${file.id}`);
    t.equal(download.status, 200);
    t.equal(download.res.body, BENIGN_FILES[TABLE], 'the member downloads exactly what was approved');
    t.equal(download.res.headers['x-content-sha256'], sha(BENIGN_FILES[TABLE] as string));
    t.match(
      download.res.headers['content-disposition'],
      /attachment; filename="patients_by_region_sex_2023.csv"/,
    );

    t.same(
      (await logEvents(bed.pool, 'release.status_changed')).map((e) => `${e.details.from}→${e.details.to}`),
      [
        'draft→submitted',
        'submitted→partially_reviewed',
        'partially_reviewed→reviewed',
        'reviewed→approved',
        'approved→released',
      ],
      'invariant 4: every transition is logged',
    );
    t.equal((await logEvents(bed.pool, 'release.voted')).length, 4, 'every vote is logged');
    const [releasedEvent] = await logEvents(bed.pool, 'release.released');
    t.same(
      releasedEvent.details.files.map((f: { name: string; sha256: string }) => [f.name, f.sha256]),
      [
        ['model.csv', sha(BENIGN_FILES['model.csv'] as string)],
        [TABLE, sha(BENIGN_FILES[TABLE] as string)],
      ],
    );
    const [downloaded] = await logEvents(bed.pool, 'release.downloaded');
    t.match(downloaded, { actor: /^account:/, details: { request: id, file: TABLE } });
    const everything = JSON.stringify(await logEvents(bed.pool, 'release.'));
    t.notMatch(everything, /Hovedstaden|fine/, 'the log holds neither file contents nor comments');
  },
);

t.test(
  'invariant 5: the author cannot review their own request, even holding the reviewer role',
  async (t) => {
    const bed = await releaseBed(t);
    const call = api(bed.app);
    await bed.put(BENIGN_FILES);
    const { id } = await submitted(bed, [TABLE]);
    await upsertLocalAccount(
      bed.pool,
      {
        username: 'anna',
        displayName: 'anna',
        password: TEST_PASSWORD,
        grants: [{ role: 'researcher' }, { role: 'reviewer' }],
      },
      true,
    );
    const anna = bearer(await login(bed.app, 'anna'));
    const before = await counts(bed);
    for (const [url, payload] of [
      [`/release-requests/${id}/votes`, { file: TABLE, vote: 'approve' }],
      [`/release-requests/${id}/return`, { comment: 'looks fine to me' }],
      [`/release-requests/${id}/approve`, undefined],
      [`/release-requests/${id}/release`, undefined],
    ] as const) {
      const res = await call(anna, 'POST', url, payload);
      t.equal(res.status, 403, `${url}: ${res.body.message}`);
    }
    t.same(
      (await call(anna, 'GET', '/release-requests/queue')).body,
      [],
      'her own request is not in her queue',
    );
    t.same(await counts(bed), before, 'nothing was stored or logged');
    t.equal(
      (await call(anna, 'GET', `/release-requests/${id}`)).body.viewer,
      'member',
      'she sees it as its author',
    );
  },
);

t.test(
  'invariant 5: in the blind phase a reviewer sees only their own votes, the researcher none, the public log none',
  async (t) => {
    const bed = await releaseBed(t);
    const call = api(bed.app);
    await bed.put(BENIGN_FILES);
    const { id } = await submitted(bed, [TABLE, 'model.csv']);
    await call(bed.rev1, 'POST', `/release-requests/${id}/votes`, {
      file: TABLE,
      vote: 'changes_requested',
      comment: 'drop the totals row',
    });
    await call(bed.rev2, 'POST', `/release-requests/${id}/votes`, { file: TABLE, vote: 'approve' });
    const seen = async (h: Record<string, string>) => (await call(h, 'GET', `/release-requests/${id}`)).body;
    t.same(
      (await seen(bed.rev2)).votes.map((v: { vote: string; mine: boolean }) => [v.vote, v.mine]),
      [['approve', true]],
    );
    t.same((await seen(bed.rev3)).votes, [], 'a reviewer who has not voted sees no votes');
    t.same((await seen(bed.anna)).votes, [], 'nor does the researcher');
    const queued = (await call(bed.rev3, 'GET', '/release-requests/queue')).body;
    t.same(queued[0].votes, [], 'the queue is as blind');
    t.same(queued[0].awaitingMyVote, ['model.csv', TABLE], 'and says what awaits the reviewer');
    t.same((await seen(bed.rev2)).awaitingMyVote, ['model.csv']);
    t.notMatch(JSON.stringify(queued), /drop the totals/);
    const voted = await logEvents(bed.pool, 'release.voted');
    t.equal(voted.length, 2, 'both votes are in the log');
    t.notOk(
      voted.some((e) => 'vote' in e.details),
      'but not which way they went: the public log cannot break the blind phase',
    );
    t.notMatch(JSON.stringify(await logEvents(bed.pool, '')), /changes_requested|drop the totals/);
  },
);

t.test(
  'invariant 1: a blocked file can never be approved nor released; replacing it resets its votes',
  async (t) => {
    const bed = await releaseBed(t);
    const call = api(bed.app);
    await bed.put({ ...BENIGN_FILES, 'visits.csv': ROWS_CSV });
    const request = await submitted(bed, [TABLE, 'visits.csv']);
    const id = request.id as string;
    const visits = request.files.find((f: { name: string }) => f.name === 'visits.csv');
    t.equal(visits.verdict, 'block', 'individual rows are blocked');
    t.match(visits.findings, [{ rule: String, severity: 'block' }]);
    const [checked] = await logEvents(bed.pool, 'release.checked');
    t.notMatch(JSON.stringify(checked), /010190/, 'the log names the rule, never the cells');

    const refused = await call(bed.rev1, 'POST', `/release-requests/${id}/votes`, {
      file: 'visits.csv',
      vote: 'approve',
    });
    t.equal(refused.status, 409);
    t.match(refused.body.message, /can never be approved/);
    for (const h of [bed.rev1, bed.rev2]) {
      await call(h, 'POST', `/release-requests/${id}/votes`, { file: TABLE, vote: 'approve' });
      await call(h, 'POST', `/release-requests/${id}/votes`, {
        file: 'visits.csv',
        vote: 'changes_requested',
        comment: 'individual-level rows',
      });
    }
    t.equal((await call(bed.rev1, 'GET', `/release-requests/${id}`)).body.status, 'reviewed');
    const approve = await call(bed.rev3, 'POST', `/release-requests/${id}/approve`);
    t.equal(approve.status, 409);
    t.match(approve.body.message, /visits\.csv is blocked/);
    t.equal((await call(bed.rev3, 'POST', `/release-requests/${id}/release`)).status, 409, 'nor released');

    const returned = await call(bed.rev3, 'POST', `/release-requests/${id}/return`, {
      comment: 'Aggregate visits.csv by region before resubmitting.',
    });
    t.equal(returned.body.status, 'returned');
    const mine = await call(bed.anna, 'GET', `/release-requests/${id}`);
    t.equal(mine.body.comment, 'Aggregate visits.csv by region before resubmitting.');
    t.equal(mine.body.votes.length, 4, 'the researcher reads the votes once it is returned');
    t.notOk(
      mine.body.votes.some((v: object) => 'reviewer' in v),
      'but not who cast them',
    );

    await bed.put({ 'visits.csv': 'region,visits\nHovedstaden,1200\nSjælland,800\n' });
    const replaced = await call(bed.anna, 'PUT', `/release-requests/${id}/files`, { name: 'visits.csv' });
    t.equal(replaced.status, 200, replaced.res.body);
    const after = replaced.body.files.find((f: { name: string }) => f.name === 'visits.csv');
    t.match(after, { revision: 2, verdict: null }, 'a new revision, not yet checked');
    const resubmitted = await call(bed.anna, 'POST', `/release-requests/${id}/submit`, {});
    t.equal(
      resubmitted.body.status,
      'partially_reviewed',
      'the unchanged table keeps its votes, visits.csv has none',
    );
    t.not(
      resubmitted.body.files.find((f: { name: string }) => f.name === 'visits.csv').verdict,
      'block',
      'checked again',
    );
    t.same(
      (await logEvents(bed.pool, 'release.status_changed')).map((e) => `${e.details.from}→${e.details.to}`),
      [
        'draft→submitted',
        'submitted→partially_reviewed',
        'partially_reviewed→reviewed',
        'reviewed→returned',
        'returned→submitted',
        'submitted→partially_reviewed',
      ],
      'invariant 4: every transition is logged',
    );
  },
);

t.test("invariant 1: only the project's researchers download, and only released files", async (t) => {
  const bed = await releaseBed(t);
  const call = api(bed.app);
  await bed.put(BENIGN_FILES);
  const { id, files } = await submitted(bed, [TABLE]);
  const url = `/release-requests/${id}/files/${files[0].id}`;
  t.equal((await call(bed.anna, 'GET', url)).status, 409, 'not before it is released');
  for (const h of [bed.rev1, bed.rev2])
    await call(h, 'POST', `/release-requests/${id}/votes`, { file: TABLE, vote: 'approve' });
  await call(bed.rev1, 'POST', `/release-requests/${id}/approve`);
  await call(bed.rev1, 'POST', `/release-requests/${id}/release`);
  t.equal((await call(bed.anna, 'GET', url)).status, 200);
  t.equal((await call(bed.bo, 'GET', url)).status, 404, "another project's researcher: no such request");
  t.equal((await call(bed.rev1, 'GET', url)).status, 403, 'reviewers do not download');
  t.equal((await call(bed.admin, 'GET', url)).status, 403, 'nor do admins');
  t.equal((await call(bed.bo, 'GET', `/release-requests/${id}`)).status, 404);
  t.equal((await call(bed.bo, 'GET', `/projects/${bed.projectId}/release-requests`)).status, 404);
  t.equal((await logEvents(bed.pool, 'release.downloaded')).length, 1, 'only the one download happened');
});

t.test('invariant 7: malformed, oversized or foreign input is refused and changes nothing', async (t) => {
  const bed = await releaseBed(t);
  const call = api(bed.app);
  await bed.put(BENIGN_FILES);
  const compose = (body: unknown, h = bed.anna, project = bed.projectId) =>
    call(h, 'POST', `/projects/${project}/release-requests`, body);
  const good = { workspaceId: bed.workspaceId, files: [TABLE], context: 'Persons by region' };
  const before = await counts(bed);
  const cases: [string, unknown, number, RegExp?][] = [
    ['an unknown field', { ...good, extra: 1 }, 400],
    ['no files', { ...good, files: [] }, 400],
    ['too many files', { ...good, files: Array.from({ length: 101 }, (_, i) => `f${i}.csv`) }, 400],
    ['a context too long', { ...good, context: 'x'.repeat(20_001) }, 400],
    [
      'a file not in the outbox',
      { ...good, files: ['missing.csv'] },
      400,
      /missing\.csv is not in the outbox/,
    ],
    ['a path outside the outbox', { ...good, files: ['../other/secret.csv'] }, 400],
    ['outputs.yaml as a file', { ...good, files: ['outputs.yaml'] }, 400, /describes the files/],
    ['a CPR-shaped name', { ...good, files: ['0101901234.csv'] }, 400, /CPR/],
    ['a malformed workspace id', { ...good, workspaceId: 'ws1' }, 400],
  ];
  for (const [what, body, status, message] of cases) {
    const res = await compose(body);
    t.equal(res.status, status, what);
    if (message) t.match(res.body.message, message, what);
  }
  t.equal((await compose(good, bed.bo)).status, 404, "another project's researcher");
  t.equal((await compose(good, bed.rev1)).status, 403, 'a reviewer');
  await bed.put({ 'outputs.yaml': 'files:\n  - {path: x.csv, kind: nonsense}\n' });
  const badYaml = await compose(good);
  t.equal(badYaml.status, 400, 'a malformed outputs.yaml beside the files');
  t.match(badYaml.body.message, /outputs\.yaml/);
  t.same(await counts(bed), before, 'no request, file, vote or log entry was added');

  await bed.put(BENIGN_FILES);
  const { id } = await submitted(bed, [TABLE]);
  const mid = await counts(bed);
  const refusals: [string, Record<string, string>, 'POST' | 'PUT' | 'PATCH', string, unknown, number][] = [
    [
      'a vote on a file not in the request',
      bed.rev1,
      'POST',
      'votes',
      { file: 'nope.csv', vote: 'approve' },
      400,
    ],
    ['an unknown vote', bed.rev1, 'POST', 'votes', { file: TABLE, vote: 'maybe' }, 400],
    [
      'a change request without a comment',
      bed.rev1,
      'POST',
      'votes',
      { file: TABLE, vote: 'changes_requested' },
      400,
    ],
    ['a return without a comment', bed.rev1, 'POST', 'return', {}, 400],
    ['approval before review', bed.rev1, 'POST', 'approve', undefined, 409],
    ['changing a submitted request', bed.anna, 'PUT', 'files', { name: 'model.csv' }, 409],
    ['editing its context', bed.anna, 'PATCH', '', { context: 'new' }, 409],
    ['submitting twice', bed.anna, 'POST', 'submit', {}, 409],
    ['withdrawing by someone else', bed.bo, 'POST', 'withdraw', undefined, 404],
  ];
  for (const [what, h, method, action, body, status] of refusals) {
    const res = await call(h, method, `/release-requests/${id}${action ? `/${action}` : ''}`, body);
    t.equal(res.status, status, `${what}: ${res.body.message}`);
  }
  t.same(await counts(bed), mid, 'nothing changed');
  t.equal((await call(bed.anna, 'GET', `/release-requests/${id}`)).body.status, 'submitted');
  const withdrawn = await call(bed.anna, 'POST', `/release-requests/${id}/withdraw`);
  t.equal(withdrawn.body.status, 'withdrawn', 'its author may withdraw it');
  t.equal(
    (await call(bed.rev1, 'POST', `/release-requests/${id}/votes`, { file: TABLE, vote: 'approve' })).status,
    409,
    'a withdrawn request takes no votes',
  );
});

t.test(
  'invariant 7: a file larger than the checker takes is refused (413) and nothing is kept',
  async (t) => {
    const bed = await releaseBed(t);
    const releases = new ReleaseService({
      pool: bed.pool,
      log: new TransparencyLog(),
      store: bed.store,
      maxFileBytes: 100,
    });
    const anna = principalOf((await findAccountByUsername(bed.pool, 'anna')) as AccountRow, 'password');
    await bed.put({ 'big.csv': `n\n${'1\n'.repeat(60)}`, 'small.csv': 'n\n40\n' });
    const before = await counts(bed);
    await t.rejects(
      releases.create(anna, bed.projectId, {
        workspaceId: bed.workspaceId,
        files: ['small.csv', 'big.csv'],
        context: 'x',
      }),
      { code: 'payload_too_large', message: /big\.csv is 122 bytes/ },
    );
    t.same(await counts(bed), before, 'no request, no file, no log entry');
    const left = [];
    for await (const o of bed.store.list(`projects/${bed.projectId}/`))
      if (o.key.includes('/releases/')) left.push(o.key);
    t.same(left, [], 'and no copy of small.csv taken before big.csv was refused');
  },
);

t.test(
  'invariant 4: votes cast at the same moment are all counted and each move is logged once',
  async (t) => {
    const bed = await releaseBed(t);
    const call = api(bed.app);
    await bed.put(BENIGN_FILES);
    const { id } = await submitted(bed, [TABLE]);
    const results = await Promise.all(
      [bed.rev1, bed.rev2, bed.rev3].map((h) =>
        call(h, 'POST', `/release-requests/${id}/votes`, { file: TABLE, vote: 'approve' }),
      ),
    );
    t.same(
      results.map((r) => r.status),
      [200, 200, 200],
    );
    const after = await call(bed.admin, 'GET', `/release-requests/${id}`);
    t.equal(after.body.status, 'reviewed');
    t.equal(after.body.votes.length, 3);
    t.same(
      (await logEvents(bed.pool, 'release.status_changed')).map((e) => `${e.details.from}→${e.details.to}`),
      ['draft→submitted', 'submitted→partially_reviewed', 'partially_reviewed→reviewed'],
    );
    t.equal((await logEvents(bed.pool, 'release.voted')).length, 3);
  },
);

t.test(
  'invariant 1: a submitted file is previewed by the author and reviewers (bounded, CPR numbers masked, logged), by nobody else',
  async (t) => {
    const bed = await releaseBed(t);
    const call = api(bed.app);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await bed.put({ ...BENIGN_FILES, 'rows.csv': ROWS_CSV });
    await bed.store.put(`${outboxPrefix(bed.projectId, bed.workspaceId)}figure.png`, png);
    const { id, files } = await submitted(bed, [TABLE, 'rows.csv', 'figure.png']);
    const fileId = (name: string) => files.find((f: { name: string }) => f.name === name).id;
    const url = (name: string) => `/release-requests/${id}/files/${fileId(name)}/preview`;

    const table = await call(bed.rev1, 'GET', url(TABLE));
    t.equal(table.status, 200, table.res.body);
    const csv = BENIGN_FILES[TABLE] as string;
    t.same(table.body.header, csv.split('\n')[0]?.split(','), 'the header as in the file');
    t.equal(table.body.totalRows, csv.trim().split('\n').length - 1);
    const rows = await call(bed.anna, 'GET', url('rows.csv'));
    t.equal(rows.status, 200, 'the author sees their own file');
    t.same(rows.body.rows[0], ['••••••-••••', '3'], 'CPR numbers masked');
    t.notMatch(rows.res.body, /010190-1234|0101901234/);
    const image = await call(bed.admin, 'GET', url('figure.png'));
    t.match(image.body, { kind: 'image', mediaType: 'image/png', base64: png.toString('base64') });

    t.equal((await call(bed.bo, 'GET', url(TABLE))).status, 404, "another project's researcher sees nothing");
    t.equal((await call({}, 'GET', url(TABLE))).status, 401);
    t.equal(
      (
        await call(
          bed.rev1,
          'GET',
          `/release-requests/${id}/files/00000000-0000-0000-0000-000000000000/preview`,
        )
      ).status,
      404,
    );
    t.same(
      (await logEvents(bed.pool, 'release.previewed')).map((e) => e.details.file).sort(),
      ['figure.png', 'rows.csv', TABLE].sort(),
      'each look is logged, by name and hash',
    );
  },
);
