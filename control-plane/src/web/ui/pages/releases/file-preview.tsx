import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { FilePreview, ReleaseFile } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { useI18n } from '../../i18n/i18n.js';
import { flagKey, flagsOf, masked } from './findings.js';

/**
 * The submitted file itself, on request (each look is logged): a table with the flagged cells
 * coloured and numbered as in the findings, a text, or an image.
 */
export function FilePreviewToggle({ requestId, file }: { requestId: string; file: ReleaseFile }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState<FilePreview>();
  const [error, setError] = useState<unknown>();
  const toggle = async () => {
    setOpen(!open);
    if (open || preview) return;
    try {
      setPreview(
        await api<FilePreview>('GET', `/api/v1/release-requests/${requestId}/files/${file.id}/preview`),
      );
    } catch (e) {
      setError(e);
    }
  };
  const region = `preview-${file.id}`;
  return (
    <div class="file-preview">
      <button type="button" class="secondary" aria-expanded={open} aria-controls={region} onClick={toggle}>
        {open ? t('release.hideFile') : t('release.showFile')}
      </button>
      {open && (
        <div id={region}>
          {error !== undefined && <ErrorAlert error={error} />}
          {!preview && error === undefined && <Loading />}
          {preview && <PreviewBody file={file} preview={preview} />}
        </div>
      )}
    </div>
  );
}

function PreviewBody({ file, preview }: { file: ReleaseFile; preview: FilePreview }) {
  const { t } = useI18n();
  if (preview.kind === 'image') {
    return (
      <img class="preview-image" src={`data:${preview.mediaType};base64,${preview.base64}`} alt={file.name} />
    );
  }
  if (preview.kind === 'text') {
    return (
      <>
        <pre class="preview-text">{masked(preview.text)}</pre>
        {preview.truncated && <p class="hint">{t('release.previewTruncated')}</p>}
      </>
    );
  }
  if (preview.kind === 'none') return <p class="hint">{preview.reason}</p>;
  const flags = flagsOf(file.findings ?? []);
  return (
    <div class="flagged-table-wrap">
      <table class="flagged-table preview-table">
        <caption>
          {t('release.previewCaption', {
            file: file.name,
            shown: String(preview.rows.length),
            total: String(preview.totalRows),
          })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('release.row')}</th>
            {preview.header.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, i) => (
            // Findings count data rows from 1 (0 is the header).
            <tr key={String(i)}>
              <th scope="row">{i + 1}</th>
              {row.map((cell, j) => {
                const flag = flags.get(flagKey(i + 1, preview.header[j] ?? ''));
                return (
                  <td key={String(j)} class={flag ? `flagged flagged-${flag.severity}` : undefined}>
                    {masked(cell)}
                    {flag && (
                      <span class="flag-ref">
                        {' '}
                        {t(`release.severity.${flag.severity}`)} {flag.findings.map((n) => `[${n}]`).join('')}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
