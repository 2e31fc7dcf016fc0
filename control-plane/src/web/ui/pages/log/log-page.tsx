import { httpLogClient, isAuditError } from '../../../../../../audit/index.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { type MessageKey, useI18n } from '../../i18n/i18n.js';
import { useLocation } from '../../router.js';
import { CheckpointFacts } from './checkpoint-facts.js';
import { EntriesTable } from './entries-table.js';
import { type CheckedEntry, checkEntry, checkLatest, type LogTrust } from './log-verification.js';
import { trustStore } from './trust-store.js';

/** How many of the newest entries are fetched and proven on the page. */
const SHOWN = 25;

/** A check that failed: the log (or whoever answers for it) showed this browser something false. */
class VerificationFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FAILURE_MESSAGES: Record<string, MessageKey> = {
  key_changed: 'log.failure.keyChanged',
  origin_mismatch: 'log.failure.origin',
  rollback: 'log.failure.rollback',
  inconsistent_checkpoints: 'log.failure.inconsistent',
};

async function verifyLog(selected: number | undefined) {
  const client = httpLogClient('/api/v1/log');
  const served: LogTrust = await client.verifierKey();
  const trusted = trustStore.trust();
  if (trusted && (trusted.verifierKey !== served.verifierKey || trusted.origin !== served.origin)) {
    throw new VerificationFailure('key_changed', `the log now names the key ${served.verifierKey}`);
  }
  const trust = trusted ?? served;
  let checked: Awaited<ReturnType<typeof checkLatest>>;
  try {
    checked = await checkLatest(client, trust, trustStore.seen());
  } catch (e) {
    if (isAuditError(e) && e.code !== 'unavailable') throw new VerificationFailure(e.code, e.message);
    throw e;
  }
  // Remembered only once proven, so a forged checkpoint never becomes the next visit's anchor.
  if (!trusted) trustStore.rememberTrust(served);
  trustStore.rememberSeen(checked.seen);
  const size = checked.checkpoint.size;
  const indexes = Array.from({ length: Math.min(SHOWN, size) }, (_, i) => size - 1 - i);
  const entries: CheckedEntry[] = await Promise.all(
    indexes.map((i) => checkEntry(client, i, checked.checkpoint)),
  );
  // An entry asked for by its index (the register links here): proven on its own, like the rest.
  const chosen =
    selected === undefined
      ? undefined
      : selected < size
        ? await checkEntry(client, selected, checked.checkpoint)
        : null;
  return { trust, firstVisit: !trusted, checked, entries, chosen };
}

/** `?entry=N` names one entry to prove; anything else is ignored. */
function selectedEntry(value: string | null): number | undefined {
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** The public transparency log, verified in this browser with klarsyn/audit. */
export function LogPage() {
  const { t } = useI18n();
  const selected = selectedEntry(useLocation().query.get('entry'));
  const log = useResource(() => verifyLog(selected), [selected]);
  const failure = log.error instanceof VerificationFailure ? log.error : undefined;
  return (
    <Page title={t('log.title')} intro={t('log.intro')}>
      {log.loading && <Loading />}
      {failure && (
        <div class="alert alert-error verification" role="alert">
          <h2>{t('log.failure.title')}</h2>
          <p>{t(FAILURE_MESSAGES[failure.code] ?? 'log.failure.signature')}</p>
          <p class="reason">
            {failure.code}: {failure.message}
          </p>
        </div>
      )}
      {log.error !== undefined && !failure && <ErrorAlert error={log.error} />}
      {log.data && (
        <>
          <CheckpointFacts
            checked={log.data.checked}
            trust={log.data.trust}
            firstVisit={log.data.firstVisit}
          />
          {log.data.chosen === null && (
            <p class="alert alert-error" role="alert">
              {t('log.entryBeyond', { index: selected ?? '', size: log.data.checked.checkpoint.size })}
            </p>
          )}
          {log.data.chosen && (
            <EntriesTable
              entries={[log.data.chosen]}
              id="chosen-entry"
              title={t('log.chosen', { index: log.data.chosen.index })}
              intro={t('log.chosenIntro')}
            />
          )}
          <EntriesTable
            entries={log.data.entries}
            id="newest-entries"
            title={t('log.entries')}
            intro={t('log.entriesIntro', {
              shown: log.data.entries.length,
              size: log.data.checked.checkpoint.size,
            })}
            anchored={log.data.chosen?.index}
          />
        </>
      )}
    </Page>
  );
}
