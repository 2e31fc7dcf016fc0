import { useI18n } from '../../i18n/i18n.js';
import { ApplicationSummary } from '../projects/application-summary.js';
import { toApplication } from './draft.js';
import type { StepProps } from './step-props.js';

/** The whole application once more before it is saved as a draft. */
export function ReviewStep({ draft, sources }: StepProps) {
  const { t } = useI18n();
  return (
    <>
      <p>{t('apply.hint.review')}</p>
      <ApplicationSummary application={toApplication(draft)} sources={sources} headingLevel={3} />
    </>
  );
}
