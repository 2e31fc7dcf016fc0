import { Fieldset, TextField } from '../../components/fields.js';
import { useI18n } from '../../i18n/i18n.js';
import { type CriterionDraft, codeVariables, emptyCriterion } from './draft.js';
import type { StepProps } from './step-props.js';

/** Who is in the population: persons with codes (diagnoses, drugs) starting with given prefixes. */
export function CohortStep({ draft, change, problems, sources }: StepProps) {
  const { t } = useI18n();
  const setCriterion = (i: number, patch: Partial<CriterionDraft>) =>
    change({ criteria: draft.criteria.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const searchable = sources.filter((s) => codeVariables(s).length > 0);
  return (
    <>
      <Fieldset legend={t('apply.field.match')}>
        {(['any', 'all'] as const).map((m) => (
          <div class="choice" key={m}>
            <input
              type="radio"
              name="cohortMatch"
              id={`match-${m}`}
              checked={draft.cohortMatch === m}
              onChange={() => change({ cohortMatch: m })}
            />
            <label for={`match-${m}`}>{t(`apply.match.${m}`)}</label>
          </div>
        ))}
      </Fieldset>
      {draft.criteria.map((c, i) => {
        const variableProblem = problems[`criterion-${i}-variable`];
        return (
          <Fieldset key={i} legend={t('apply.criterion', { n: i + 1 })}>
            <div class={variableProblem ? 'field has-problem' : 'field'}>
              <label for={`criterion-${i}-variable`}>{t('apply.field.codeVariable')}</label>
              {variableProblem && (
                <p class="problem" id={`criterion-${i}-variable-problem`}>
                  {t(variableProblem.key, variableProblem.vars)}
                </p>
              )}
              <select
                id={`criterion-${i}-variable`}
                value={c.source && c.variable ? `${c.source}.${c.variable}` : ''}
                aria-invalid={variableProblem ? true : undefined}
                aria-describedby={variableProblem ? `criterion-${i}-variable-problem` : undefined}
                onChange={(e) => {
                  const [s = '', v = ''] = e.currentTarget.value.split('.');
                  setCriterion(i, { source: s, variable: v });
                }}
              >
                <option value="">{t('common.choose')}</option>
                {searchable.map((s) => (
                  <optgroup key={s.id} label={s.name}>
                    {codeVariables(s).map((v) => (
                      <option key={v.name} value={`${s.id}.${v.name}`}>
                        {s.id}.{v.name} – {v.description}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
            <TextField
              id={`criterion-${i}-prefixes`}
              label={t('apply.field.prefixes')}
              hint={t('apply.hint.prefixes')}
              value={c.prefixes}
              onValue={(prefixes) => setCriterion(i, { prefixes })}
              problem={problems[`criterion-${i}-prefixes`]}
            />
            <div class="row">
              <TextField
                id={`criterion-${i}-from`}
                type="date"
                label={t('apply.field.criterionFrom')}
                value={c.from}
                onValue={(from) => setCriterion(i, { from })}
              />
              <TextField
                id={`criterion-${i}-to`}
                type="date"
                label={t('apply.field.criterionTo')}
                value={c.to}
                onValue={(to) => setCriterion(i, { to })}
                problem={problems[`criterion-${i}-to`]}
              />
            </div>
            {draft.criteria.length > 1 && (
              <button
                type="button"
                class="secondary"
                onClick={() => change({ criteria: draft.criteria.filter((_, j) => j !== i) })}
              >
                {t('apply.removeCriterion', { n: i + 1 })}
              </button>
            )}
          </Fieldset>
        );
      })}
      <button
        type="button"
        class="secondary"
        onClick={() => change({ criteria: [...draft.criteria, emptyCriterion()] })}
      >
        {t('apply.addCriterion')}
      </button>
    </>
  );
}
