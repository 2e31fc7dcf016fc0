import type { Source, Variable } from '../../api/types.js';
import { TextField } from '../../components/fields.js';
import { useI18n } from '../../i18n/i18n.js';
import { variableKey } from './draft.js';
import type { StepProps } from './step-props.js';

/** Variables per source, each chosen one with its justification: data minimisation made visible. */
export function VariablesStep({ draft, change, problems, sources }: StepProps) {
  const { t } = useI18n();
  const toggle = (key: string, on: boolean) => {
    const variables = { ...draft.variables };
    if (on) variables[key] = '';
    else delete variables[key];
    change({ variables });
  };
  return (
    <>
      <p class="hint" id="variables-none" tabIndex={-1}>
        {t('apply.hint.variables')}
      </p>
      {problems['variables-none'] && <p class="problem">{t(problems['variables-none'].key)}</p>}
      {sources.map((source) => (
        <fieldset key={source.id} class="source-choice">
          <legend>
            {source.name} <span class="muted">({source.authority})</span>
          </legend>
          <ul class="choices">
            {source.variables.map((v) => (
              <VariableChoice
                key={v.name}
                source={source}
                variable={v}
                justification={draft.variables[variableKey(source.id, v.name)]}
                onToggle={(on) => toggle(variableKey(source.id, v.name), on)}
                onJustify={(text) =>
                  change({ variables: { ...draft.variables, [variableKey(source.id, v.name)]: text } })
                }
                problem={problems[`justification-${variableKey(source.id, v.name)}`]}
              />
            ))}
          </ul>
        </fieldset>
      ))}
    </>
  );
}

function VariableChoice(props: {
  source: Source;
  variable: Variable;
  justification: string | undefined;
  onToggle(on: boolean): void;
  onJustify(text: string): void;
  problem: StepProps['problems'][string] | undefined;
}) {
  const { t } = useI18n();
  const { source, variable } = props;
  const key = variableKey(source.id, variable.name);
  const chosen = props.justification !== undefined;
  return (
    <li>
      <div class="choice">
        <input
          type="checkbox"
          id={`choose-${key}`}
          checked={chosen}
          onChange={(e) => props.onToggle(e.currentTarget.checked)}
        />
        <label for={`choose-${key}`}>
          <code>{variable.name}</code> {variable.description}{' '}
          <span class="muted">
            ({t(`type.${variable.type}`)}, {t(`classification.${variable.classification}`)})
          </span>
        </label>
      </div>
      {chosen && (
        <div class="justification">
          <TextField
            id={`justification-${key}`}
            label={t('apply.field.justification', { variable: key })}
            hint={variable.type === 'cpr' ? t('apply.hint.pseudonymised') : undefined}
            value={props.justification ?? ''}
            onValue={props.onJustify}
            problem={props.problem}
            maxLength={2000}
          />
        </div>
      )}
    </li>
  );
}
