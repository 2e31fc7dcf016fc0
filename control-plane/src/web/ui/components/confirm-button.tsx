import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';

/** A button for an action that cannot be undone: it asks once more, in the page, before acting. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  disabled,
}: {
  label: string;
  question: string;
  onConfirm(): void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="secondary" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div class="confirm">
      <p>{question}</p>
      <button
        type="button"
        class="danger"
        disabled={disabled}
        // biome-ignore lint/a11y/noAutofocus: the question just appeared where the person's focus was
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {label}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
