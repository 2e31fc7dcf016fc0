import pg from 'pg';
import { generateKey, type LogClient, parseSignerKey } from '../../../audit/index.js';
import { eventTypes } from '../../../audit/store/event-types.js';
import { Integrator, type IntegratorOptions } from '../../../audit/store/integrator.js';
import { LogReader } from '../../../audit/store/log-reader.js';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { migrate } from '../../../control-plane/src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.js';

export const ORIGIN = 'klarsyn.test/log';

/** An event type for tests only: what a domain would register for its own events. */
eventTypes.register({
  type: 'test.accessed',
  description: 'a test action',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['n'],
    properties: { n: { type: 'integer' }, note: { type: 'string', maxLength: 200 } },
  },
});

export interface LogFixture {
  database: TestDatabase;
  /** klarsyn_app, as the service runs. */
  app: pg.Pool;
  /** The superuser: migrations and tampering. */
  owner: pg.Pool;
  log: TransparencyLog;
  integrator: Integrator;
  reader: LogReader;
  verifierKey: string;
  signerKey: string;
  close(): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export async function logFixture(t: Teardown, options: Partial<IntegratorOptions> = {}): Promise<LogFixture> {
  const database = await createTestDatabase();
  const owner = new pg.Pool({ connectionString: database.ownerUrl, max: 2 });
  const client = await owner.connect();
  try {
    await migrate(client);
  } finally {
    client.release();
  }
  const app = new pg.Pool({ connectionString: database.appUrl, max: 20 });
  const { signerKey, verifierKey } = generateKey(ORIGIN);
  const integrator = new Integrator(app, { origin: ORIGIN, signer: parseSignerKey(signerKey), ...options });
  const fixture: LogFixture = {
    database,
    app,
    owner,
    log: new TransparencyLog(),
    integrator,
    reader: new LogReader(app),
    verifierKey,
    signerKey,
    async close() {
      await integrator.stop();
      await app.end();
      await owner.end();
    },
  };
  t.teardown(() => fixture.close());
  return fixture;
}

/** A monitor client reading the store directly (the HTTP client does the same over the API). */
export function storeClient(reader: LogReader): LogClient {
  return {
    checkpoint: async () => (await reader.latest())?.note ?? '',
    entries: async (start, end) => (await reader.entries(start, end)).map((e) => e.data),
    consistencyProof: (size1, size2) => reader.consistencyProof(size1, size2),
  };
}

export function testEvent(n: number, note?: string) {
  return {
    type: 'test.accessed',
    actor: 'account:test',
    project: 'P-1',
    subject: `thing:${n}`,
    details: { n, ...(note ? { note } : {}) },
  };
}
