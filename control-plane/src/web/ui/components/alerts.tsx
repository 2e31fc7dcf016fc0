import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.js';
import { type MessageKey, useI18n } from '../i18n/i18n.js';

const KNOWN_CODES = new Set([
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'too_many_requests',
  'unavailable',
]);

/** An error the person should read now: announced at once by screen readers. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  const code = error instanceof ApiError && KNOWN_CODES.has(error.code) ? error.code : 'internal';
  // The server's reason is English and precise; it is shown beside the translated summary.
  const reason = error instanceof ApiError && error.status < 500 ? error.message : undefined;
  return (
    <div class="alert alert-error" role="alert">
      <p>{t(`error.${code}` as MessageKey)}</p>
      {reason && <p class="reason">{reason}</p>}
    </div>
  );
}

/** Good news or a neutral note, announced politely. */
export function Notice({
  children,
  kind = 'info',
}: {
  children: ComponentChildren;
  kind?: 'info' | 'success';
}) {
  return (
    <div class={`alert alert-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}
