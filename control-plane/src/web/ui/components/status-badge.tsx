import type { ProjectStatus } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/** A project's status in words; the colour only repeats what the words say. */
export function StatusBadge({ status }: { status: ProjectStatus }) {
  const { t } = useI18n();
  return <span class={`badge status-${status}`}>{t(`status.${status}`)}</span>;
}
