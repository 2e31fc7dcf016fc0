import { Fieldset, TextField } from '../../components/fields.js';
import { useI18n } from '../../i18n/i18n.js';
import type { StepProps } from './step-props.js';

/** The data period, and the date the project's data and pseudonym key are destroyed. */
export function PeriodStep({ draft, change, problems }: StepProps) {
  const { t } = useI18n();
  return (
    <>
      <Fieldset legend={t('apply.field.period')} hint={t('apply.hint.period')}>
        <div class="row">
          <TextField
            id="periodFrom"
            type="date"
            label={t('common.from')}
            value={draft.periodFrom}
            onValue={(periodFrom) => change({ periodFrom })}
            problem={problems.periodFrom}
          />
          <TextField
            id="periodTo"
            type="date"
            label={t('common.to')}
            value={draft.periodTo}
            onValue={(periodTo) => change({ periodTo })}
            problem={problems.periodTo}
          />
        </div>
      </Fieldset>
      <TextField
        id="deletionDate"
        type="date"
        label={t('apply.field.deletionDate')}
        hint={t('apply.hint.deletionDate')}
        value={draft.deletionDate}
        onValue={(deletionDate) => change({ deletionDate })}
        problem={problems.deletionDate}
      />
    </>
  );
}
