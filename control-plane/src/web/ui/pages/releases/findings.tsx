import type { FlaggedCell, ReleaseFile } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';

/** Danish CPR numbers: never shown, even when a check quotes one from a file. */
const CPR = /\b[0-3]\d[01]\d\d\d-?\d{4}\b/g;
export const masked = (value: string) => value.replace(CPR, '••••••-••••');

interface Flag {
  severity: 'review' | 'block';
  /** Numbers of the findings (1-based) that name the cell. */
  findings: number[];
  value: string;
}

/** The flagged cells by `row\u0000column` (rows as the findings count them: 0 is the header). */
export function flagsOf(findings: NonNullable<ReleaseFile['findings']>): Map<string, Flag> {
  const flags = new Map<string, Flag>();
  findings.forEach((f, i) => {
    for (const c of f.cells) {
      const key = flagKey(c.row, c.column);
      const flag = flags.get(key) ?? { severity: f.severity, findings: [], value: c.value };
      if (f.severity === 'block') flag.severity = 'block';
      flag.findings.push(i + 1);
      flags.set(key, flag);
    }
  });
  return flags;
}

export const flagKey = (row: number, column: string) => `${row}\u0000${column}`;

/**
 * A file's findings beside the cells they flag. The grid has the flagged rows and columns only (the
 * API gives the checks' cells, not the file), each flagged cell coloured by its severity and
 * numbered after the findings that name it, so colour is never the only sign.
 */
export function Findings({ file }: { file: ReleaseFile }) {
  const { t } = useI18n();
  const findings = file.findings ?? [];
  if (file.verdict === null) return <p class="hint">{t('release.notChecked')}</p>;
  if (findings.length === 0) return <p>{t('release.noFindings')}</p>;

  const flags = flagsOf(findings);
  const cells = findings.flatMap((f) => f.cells);
  const rows = [...new Set(cells.map((c) => c.row))].sort((a, b) => a - b);
  const columns = [...new Set(cells.map((c: FlaggedCell) => c.column))];
  const id = `findings-${file.id}`;

  return (
    <div class="findings-layout">
      {rows.length > 0 && (
        <div class="flagged-table-wrap">
          <table class="flagged-table" aria-describedby={`${id}-hint`}>
            <caption>{t('release.flaggedCells', { file: file.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('release.row')}</th>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r}>
                  <th scope="row">{r === 0 ? t('release.headerRow') : r}</th>
                  {columns.map((c) => {
                    const flag = flags.get(flagKey(r, c));
                    if (!flag) return <td key={c} class="unflagged" />;
                    return (
                      <td key={c} class={`flagged flagged-${flag.severity}`}>
                        {masked(flag.value)}{' '}
                        <span class="flag-ref">
                          {t(`release.severity.${flag.severity}`)}{' '}
                          {flag.findings.map((n) => `[${n}]`).join('')}
                        </span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint" id={`${id}-hint`}>
            {t('release.flaggedHint')}
          </p>
        </div>
      )}
      <ol class="findings" aria-label={t('release.findingsOf', { file: file.name })}>
        {findings.map((f, i) => (
          <li key={`${f.rule}-${i}`} class={`finding finding-${f.severity}`}>
            <span class={`badge verdict-${f.severity}`}>{t(`release.severity.${f.severity}`)}</span>{' '}
            <code>{f.rule}</code> [{i + 1}]: {masked(f.message)}
          </li>
        ))}
      </ol>
    </div>
  );
}
