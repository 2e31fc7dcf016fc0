import type { JSX } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { Project, Source } from '../../api/types.js';
import { ErrorAlert } from '../../components/alerts.js';
import { ProblemSummary } from '../../components/fields.js';
import { Page } from '../../components/page.js';
import type { Problems } from '../../components/problem.js';
import { UnloadedPage } from '../../components/unloaded-page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { navigate } from '../../router.js';
import { AboutStep } from './about-step.js';
import { CohortStep } from './cohort-step.js';
import {
  type Draft,
  draftFromApplication,
  emptyDraft,
  problemsOf,
  STEPS,
  type Step,
  toApplication,
} from './draft.js';
import { PeriodStep } from './period-step.js';
import { ReviewStep } from './review-step.js';
import type { StepProps } from './step-props.js';
import { VariablesStep } from './variables-step.js';

const STEP_VIEWS: Record<Step, (props: StepProps) => JSX.Element> = {
  about: AboutStep,
  period: PeriodStep,
  variables: VariablesStep,
  cohort: CohortStep,
  review: ReviewStep,
};

const today = () => new Date().toISOString().slice(0, 10);

/** The guided application: one topic per step, checked before moving on, saved as a draft at the end. */
export function ApplyPage({ draftId }: { draftId?: string }) {
  const { t } = useI18n();
  const loaded = useResource(async () => {
    const sources = await api<Source[]>('GET', '/api/v1/catalog/sources');
    const project = draftId ? await api<Project>('GET', `/api/v1/projects/${draftId}`) : undefined;
    return { sources, project };
  }, [draftId]);
  const title = draftId ? t('apply.editTitle') : t('apply.title');
  if (!loaded.data) return <UnloadedPage title={title} error={loaded.error} />;
  const { sources, project } = loaded.data;
  return (
    <Page title={title} intro={t('apply.intro')}>
      <Wizard
        sources={sources}
        initial={project ? draftFromApplication(project.application) : emptyDraft()}
        draftId={draftId}
      />
    </Page>
  );
}

function Wizard({ sources, initial, draftId }: { sources: Source[]; initial: Draft; draftId?: string }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(initial);
  const [index, setIndex] = useState(0);
  const [problems, setProblems] = useState<Problems>({});
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const step = STEPS[index] as Step;

  // Layout effect: focus moves with the step, not a frame after it.
  useLayoutEffect(() => {
    if (index > 0) stepHeading.current?.focus();
  }, [index]);

  const change = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const go = (to: number) => {
    setProblems({});
    setIndex(to);
  };
  const next = (event: Event) => {
    event.preventDefault();
    const found = problemsOf(step, draft, today());
    setProblems(found);
    if (Object.keys(found).length === 0) go(index + 1);
  };
  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const body = toApplication(draft);
      const project = draftId
        ? await api<Project>('PUT', `/api/v1/projects/${draftId}`, body)
        : await api<Project>('POST', '/api/v1/projects/', body);
      navigate(`/projects/${project.id}?saved=1`);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };
  const View = STEP_VIEWS[step];

  return (
    <>
      <ol class="steps" aria-label={t('apply.steps')}>
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === index ? 'step' : undefined} class={i < index ? 'done' : undefined}>
            {t(`apply.step.${s}`)}
          </li>
        ))}
      </ol>
      <form onSubmit={next} noValidate>
        <h2 tabIndex={-1} ref={stepHeading}>
          {t('apply.stepOf', { n: index + 1, total: STEPS.length, name: t(`apply.step.${step}`) })}
        </h2>
        <ProblemSummary problems={problems} />
        {saveError !== undefined && <ErrorAlert error={saveError} />}
        <View draft={draft} change={change} problems={problems} sources={sources} />
        <div class="actions">
          {index > 0 && (
            <button type="button" class="secondary" onClick={() => go(index - 1)}>
              {t('common.back')}
            </button>
          )}
          {step === 'review' ? (
            <button type="button" onClick={save} disabled={saving}>
              {t('apply.saveDraft')}
            </button>
          ) : (
            <button type="submit">{t('common.next')}</button>
          )}
        </div>
      </form>
    </>
  );
}
