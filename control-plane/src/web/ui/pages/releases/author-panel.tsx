import { useState } from 'preact/hooks';
import type { ReleaseRequest } from '../../api/types.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { useI18n } from '../../i18n/i18n.js';

const EDITABLE = new Set(['draft', 'returned']);
const FINAL = new Set(['released', 'rejected', 'withdrawn']);

/**
 * What the researcher can do with their request: while it is a draft or returned, change the
 * context and the files and (re)submit it; withdraw it until it is released.
 */
export function AuthorPanel({
  request,
  act,
  busy,
}: {
  request: ReleaseRequest;
  act(method: 'POST' | 'PATCH' | 'PUT', path: string, body?: unknown): Promise<void>;
  busy: boolean;
}) {
  const { t } = useI18n();
  const [context, setContext] = useState(request.context);
  const [file, setFile] = useState('');
  const base = `/api/v1/release-requests/${request.id}`;
  const editable = EDITABLE.has(request.status);
  return (
    <section aria-labelledby="author-heading" class="author-panel">
      <h2 id="author-heading">{t('release.yourActions')}</h2>
      {editable && (
        <>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void act('POST', `${base}/submit`, { context });
            }}
          >
            <div class="field">
              <label for="request-context">{t('release.context')}</label>
              <p class="hint" id="request-context-hint">
                {t(request.status === 'returned' ? 'release.respondHint' : 'release.contextHint')}
              </p>
              <textarea
                id="request-context"
                rows={5}
                required
                maxLength={20000}
                aria-describedby="request-context-hint"
                value={context}
                onInput={(e) => setContext(e.currentTarget.value)}
              />
            </div>
            <div class="actions">
              <button type="submit" disabled={busy}>
                {t(request.status === 'returned' ? 'release.resubmit' : 'release.submit')}
              </button>
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() => act('PATCH', base, { context })}
              >
                {t('release.saveContext')}
              </button>
            </div>
          </form>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void act('PUT', `${base}/files`, { name: file.trim() }).then(() => setFile(''));
            }}
          >
            <div class="field">
              <label for="request-file">{t('release.addFile')}</label>
              <p class="hint" id="request-file-hint">
                {t('release.addFileHint')}
              </p>
              <input
                id="request-file"
                required
                maxLength={1024}
                aria-describedby="request-file-hint"
                value={file}
                onInput={(e) => setFile(e.currentTarget.value)}
              />
            </div>
            <button type="submit" class="secondary" disabled={busy}>
              {t('release.addFileButton')}
            </button>
          </form>
        </>
      )}
      {!FINAL.has(request.status) && (
        <div class="actions">
          <ConfirmButton
            label={t('release.withdraw')}
            question={t('release.withdrawQuestion')}
            disabled={busy}
            onConfirm={() => act('POST', `${base}/withdraw`)}
          />
        </div>
      )}
      {FINAL.has(request.status) && <p class="hint">{t(`release.final.${request.status as 'released'}`)}</p>}
    </section>
  );
}
