import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { Project } from '../../api/types.js';
import { ErrorAlert } from '../../components/alerts.js';
import { Fieldset, ProblemSummary, TextField } from '../../components/fields.js';
import { type Problems, problem } from '../../components/problem.js';
import { useI18n } from '../../i18n/i18n.js';

/** Approve or reject for one of the steward's authorities; a reason is always given and logged. */
export function DecisionForm({
  project,
  authorities,
  onDecided,
}: {
  project: Project;
  authorities: string[];
  onDecided(project: Project): void;
}) {
  const { t } = useI18n();
  const [authority, setAuthority] = useState(authorities[0] as string);
  const [decision, setDecision] = useState<'approved' | 'rejected' | ''>('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Problems = {};
    if (!decision) found['decision-approved'] = problem('steward.problem.decision');
    if (reason.trim().length < 3) found.reason = problem('steward.problem.reason');
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      onDecided(
        await api<Project>('POST', `/api/v1/projects/${project.id}/decisions`, {
          authority,
          decision,
          reason: reason.trim(),
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate class="decision-form">
      <ProblemSummary problems={problems} />
      {error !== undefined && <ErrorAlert error={error} />}
      {authorities.length > 1 && (
        <div class="field">
          <label for="authority">{t('steward.decideFor')}</label>
          <select id="authority" value={authority} onChange={(e) => setAuthority(e.currentTarget.value)}>
            {authorities.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
      )}
      <Fieldset legend={t('decisions.decision')}>
        {problems['decision-approved'] && <p class="problem">{t('steward.problem.decision')}</p>}
        {(['approved', 'rejected'] as const).map((d) => (
          <div class="choice" key={d}>
            <input
              type="radio"
              name="decision"
              id={`decision-${d}`}
              checked={decision === d}
              onChange={() => setDecision(d)}
            />
            <label for={`decision-${d}`}>{t(`steward.${d === 'approved' ? 'approve' : 'reject'}`)}</label>
          </div>
        ))}
      </Fieldset>
      <TextField
        id="reason"
        label={t('decisions.reason')}
        hint={t('steward.reasonHint')}
        value={reason}
        onValue={setReason}
        problem={problems.reason}
        multiline
        maxLength={2000}
      />
      <button type="submit" disabled={busy}>
        {t('steward.record', { authority })}
      </button>
    </form>
  );
}
