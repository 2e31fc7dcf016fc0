import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';
import type { Problem } from './problem.js';

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  problem?: Problem | undefined;
  value: string;
  onValue(value: string): void;
  multiline?: boolean;
  type?: 'text' | 'date' | 'password';
  maxLength?: number;
  autocomplete?: string;
}

/** A labelled input whose hint and problem are read out with it (aria-describedby). */
export function TextField(props: FieldProps) {
  const { t } = useI18n();
  const { id, problem, multiline } = props;
  const described = [props.hint && `${id}-hint`, problem && `${id}-problem`].filter(Boolean).join(' ');
  const common = {
    id,
    name: id,
    value: props.value,
    maxLength: props.maxLength,
    autocomplete: props.autocomplete,
    'aria-describedby': described || undefined,
    'aria-invalid': problem ? true : undefined,
  };
  return (
    <div class={problem ? 'field has-problem' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {problem && (
        <p class="problem" id={`${id}-problem`}>
          {t(problem.key, problem.vars)}
        </p>
      )}
      {multiline ? (
        <textarea {...common} rows={4} onInput={(e) => props.onValue(e.currentTarget.value)} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          onInput={(e) => props.onValue(e.currentTarget.value)}
        />
      )}
    </div>
  );
}

/**
 * The problems of a form at its top, each a link to its field; it takes focus when it appears,
 * so keyboard and screen-reader users learn at once why nothing moved on.
 */
export function ProblemSummary({ problems }: { problems: Record<string, Problem> }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const entries = Object.entries(problems);
  // Layout effect: the summary has focus as soon as it is in the document.
  useLayoutEffect(() => {
    if (entries.length > 0) box.current?.focus();
  }, [entries.length]);
  if (entries.length === 0) return null;
  return (
    <div class="alert alert-error" role="alert" tabIndex={-1} ref={box}>
      <h2>{t('form.problems')}</h2>
      <ul>
        {entries.map(([id, message]) => (
          <li key={id}>
            <a
              href={`#${id}`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(id)?.focus();
              }}
            >
              {t(message.key, message.vars)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Fieldset({
  legend,
  children,
  hint,
}: {
  legend: string;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {hint && <p class="hint">{hint}</p>}
      {children}
    </fieldset>
  );
}
