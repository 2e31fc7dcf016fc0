import { toBase64 } from '../../../../../../audit/index.js';
import { useI18n } from '../../i18n/i18n.js';
import type { CheckedCheckpoint, LogTrust } from './log-verification.js';

/** What was proven about the latest checkpoint, and against what. */
export function CheckpointFacts({
  checked,
  trust,
  firstVisit,
}: {
  checked: CheckedCheckpoint;
  trust: LogTrust;
  firstVisit: boolean;
}) {
  const { t } = useI18n();
  const { checkpoint } = checked;
  return (
    <section aria-labelledby="checkpoint-heading">
      <h2 id="checkpoint-heading">{t('log.checkpoint')}</h2>
      <div class="alert alert-success verification" role="status">
        <p>{t('log.verified.signature', { size: checkpoint.size })}</p>
        <p>
          {checked.extends === undefined
            ? t('log.verified.firstCheckpoint')
            : t('log.verified.consistent', { previous: checked.extends, size: checkpoint.size })}
        </p>
      </div>
      <dl class="facts">
        <dt>{t('log.origin')}</dt>
        <dd>
          <code>{checkpoint.origin}</code>
        </dd>
        <dt>{t('log.size')}</dt>
        <dd>{checkpoint.size}</dd>
        <dt>{t('log.root')}</dt>
        <dd>
          <code class="hash">{toBase64(checkpoint.root)}</code>
        </dd>
        <dt>{t('log.key')}</dt>
        <dd>
          <code class="hash">{trust.verifierKey}</code>
          <p class="hint">{t(firstVisit ? 'log.keyFirstSeen' : 'log.keyRemembered')}</p>
        </dd>
        <dt>{t('log.witnesses')}</dt>
        <dd>{checkpoint.cosignatures.length}</dd>
      </dl>
    </section>
  );
}
