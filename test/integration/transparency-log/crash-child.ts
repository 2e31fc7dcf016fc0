/**
 * The process the crash test SIGKILLs: a Klarsyn server's log traffic. It appends events (group
 * commit and one transaction per event, some rolled back) and integrates them, and reports on
 * stdout only what is durable: "ack <id>" after an append's commit, "checkpoint <size>" after a
 * checkpoint's commit.
 */
import pg from 'pg';
import { parseSignerKey } from '../../../audit/index.js';
import { AppendQueue } from '../../../audit/store/append-queue.js';
import { Integrator } from '../../../audit/store/integrator.js';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { ORIGIN, testEvent } from './support.js';

const trial = Number(process.env.CRASH_TRIAL);
const pool = new pg.Pool({ connectionString: process.env.CRASH_DB_URL, max: 12 });
const log = new TransparencyLog();
const queue = new AppendQueue(pool, log);
const say = (line: string) => process.stdout.write(`${line}\n`);
const integrator = new Integrator(pool, {
  origin: ORIGIN,
  signer: parseSignerKey(process.env.CRASH_SIGNER_KEY as string),
  batchSize: 300,
  idleMs: 5,
  onCheckpoint: (c) => say(`checkpoint ${c.size}`),
});
integrator.start();

const appender = async (worker: number) => {
  for (let k = 0; ; k++) {
    const id = trial * 1_000_000 + worker * 10_000 + k;
    if (k % 2 === 0) {
      await queue.append(testEvent(id));
      say(`ack ${id}`);
      continue;
    }
    const tx = await pool.connect();
    try {
      await tx.query('BEGIN');
      await log.append(testEvent(id), tx);
      if (k % 5 === 0) {
        await tx.query('ROLLBACK');
      } else {
        await tx.query('COMMIT');
        say(`ack ${id}`);
      }
    } finally {
      tx.release();
    }
  }
};
for (let w = 0; w < 8; w++) void appender(w);
