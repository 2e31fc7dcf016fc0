import { TextField } from '../../components/fields.js';
import { useI18n } from '../../i18n/i18n.js';
import type { StepProps } from './step-props.js';

/** Who applies, for what, and on which legal basis. */
export function AboutStep({ draft, change, problems }: StepProps) {
  const { t } = useI18n();
  return (
    <>
      <TextField
        id="title"
        label={t('apply.field.title')}
        value={draft.title}
        onValue={(title) => change({ title })}
        problem={problems.title}
        maxLength={300}
      />
      <TextField
        id="purpose"
        label={t('apply.field.purpose')}
        hint={t('apply.hint.purpose')}
        value={draft.purpose}
        onValue={(purpose) => change({ purpose })}
        problem={problems.purpose}
        multiline
        maxLength={5000}
      />
      <TextField
        id="institution"
        label={t('apply.field.institution')}
        value={draft.institution}
        onValue={(institution) => change({ institution })}
        problem={problems.institution}
        maxLength={300}
        autocomplete="organization"
      />
      <TextField
        id="legalBasis"
        label={t('apply.field.legalBasis')}
        hint={t('apply.hint.legalBasis')}
        value={draft.legalBasis}
        onValue={(legalBasis) => change({ legalBasis })}
        problem={problems.legalBasis}
        multiline
        maxLength={1000}
      />
    </>
  );
}
