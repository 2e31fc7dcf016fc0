import t from 'tap';
import { checkOne, rules } from './support.js';

const MODEL = 'term,estimate,std_error\n(Intercept),1.2,0.3\nage,0.04,0.01\n';
const declared = (df?: number) =>
  `files:\n  - path: model.csv\n    kind: regression\n${df === undefined ? '' : `    residual_df: ${df}\n`}`;

t.test('residual degrees of freedom: 10 passes, 9 is blocked', async (t) => {
  t.equal(checkOne('model.csv', MODEL, { yaml: declared(10) }).verdict, 'pass');
  const blocked = checkOne('model.csv', MODEL, { yaml: declared(9) });
  t.equal(blocked.verdict, 'block');
  t.same(blocked.findings[0]?.cells, [{ row: 0, column: 'residual_df (outputs.yaml)', value: '9' }]);
});

t.test('the table itself may state them, as statsmodels and R print them', async (t) => {
  t.equal(checkOne('model.csv', `${MODEL}Df Residuals:,4,\n`, { yaml: declared() }).verdict, 'block');
  t.equal(
    checkOne('model.csv', 'term,estimate,df_resid\nage,0.04,3\n', { yaml: declared() }).verdict,
    'block',
  );
  t.equal(checkOne('model.csv', `${MODEL}Df Residuals:,250,\n`, { yaml: declared() }).verdict, 'pass');
});

t.test('a regression that does not state them needs review', async (t) => {
  const report = checkOne('model.csv', MODEL, { yaml: declared() });
  t.equal(report.verdict, 'review');
  t.same(rules(report), ['residual-df']);
});
