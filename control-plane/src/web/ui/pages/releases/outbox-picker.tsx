import { api } from '../../api/client.js';
import type { OutboxFile } from '../../api/types.js';
import { ErrorAlert } from '../../components/alerts.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';

/**
 * The files in a workspace's outbox as check boxes: ticking one adds its name to the request's
 * file list, unticking removes it. Names can still be typed, so nothing depends on this list.
 */
export function OutboxPicker(props: {
  workspaceId: string;
  chosen: readonly string[];
  onChange: (names: string[]) => void;
}) {
  const { t } = useI18n();
  const outbox = useResource(
    () => api<OutboxFile[]>('GET', `/api/v1/workspaces/${props.workspaceId}/outbox`),
    [props.workspaceId],
  );
  if (outbox.error !== undefined) return <ErrorAlert error={outbox.error} />;
  if (!outbox.data) return null;
  if (outbox.data.length === 0) return <p class="hint">{t('release.outboxEmpty')}</p>;
  const toggle = (name: string, on: boolean) =>
    props.onChange(on ? [...props.chosen, name] : props.chosen.filter((n) => n !== name));
  return (
    <fieldset class="outbox-picker">
      <legend>{t('release.inOutbox')}</legend>
      {outbox.data.map((f) => (
        <label key={f.name}>
          <input
            type="checkbox"
            checked={props.chosen.includes(f.name)}
            onChange={(e) => toggle(f.name, e.currentTarget.checked)}
          />{' '}
          {f.name} <span class="hint">({t('release.bytes', { n: String(f.size) })})</span>
        </label>
      ))}
    </fieldset>
  );
}
