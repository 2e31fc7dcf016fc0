import type { ReleaseStatus, Verdict } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';

/** A release request's state in words; the colour repeats what the words say. */
export function ReleaseStatusBadge({ status }: { status: ReleaseStatus }) {
  const { t } = useI18n();
  return <span class={`badge release-${status}`}>{t(`release.status.${status}`)}</span>;
}

/** The automatic checks' verdict on a file, or that they have not run yet. */
export function VerdictBadge({ verdict }: { verdict: Verdict | null }) {
  const { t } = useI18n();
  return (
    <span class={`badge verdict-${verdict ?? 'unchecked'}`}>
      {t(`release.verdict.${verdict ?? 'unchecked'}`)}
    </span>
  );
}
