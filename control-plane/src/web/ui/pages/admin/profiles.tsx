import { Fragment } from 'preact';
import { api } from '../../api/client.js';
import type { Authority, OutputProfile } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { type MessageKey, useI18n } from '../../i18n/i18n.js';

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10} %`;

/** The output-control profiles (policies/output): each authority's thresholds for what may leave. */
export function ProfilesPage() {
  const { t } = useI18n();
  const profiles = useResource(() => api<OutputProfile[]>('GET', '/api/v1/output-profiles'), []);
  const authorities = useResource(() => api<Authority[]>('GET', '/api/v1/catalog/authorities'), []);
  return (
    <Page title={t('profiles.title')} intro={t('profiles.intro')}>
      {profiles.loading && !profiles.data && <Loading />}
      {profiles.error !== undefined && <ErrorAlert error={profiles.error} />}
      {profiles.data?.map((p) => {
        const users = (authorities.data ?? []).filter((a) => a.outputProfile === p.name).map((a) => a.code);
        const rows: [MessageKey, string][] = [
          ['profiles.usedBy', users.length > 0 ? users.join(', ') : t('profiles.unused')],
          ['profiles.countThreshold', String(p.counts.threshold)],
          ['profiles.zeros', t(`profiles.handling.${p.counts.zeros}` as MessageKey)],
          [
            'profiles.rounding',
            p.counts.rounding === null ? t('profiles.noRounding') : String(p.counts.rounding),
          ],
          ['profiles.missing', t(`profiles.handling.${p.counts.missing}` as MessageKey)],
          ['profiles.magnitudeThreshold', String(p.magnitude.threshold)],
          [
            'profiles.dominance',
            t('profiles.dominanceRule', { n: p.magnitude.dominance.n, k: percent(p.magnitude.dominance.k) }),
          ],
          ['profiles.pPercent', percent(p.magnitude.pPercent)],
          ['profiles.residualDf', String(p.regression.residualDf)],
          ['profiles.identifierMinRows', String(p.individual.identifierMinRows)],
          ['profiles.cohortRowRatio', percent(p.individual.cohortRowRatio)],
          ['profiles.dayLevelMinCount', String(p.individual.dayLevelMinCount)],
        ];
        return (
          <section key={p.name} class="profile" aria-labelledby={`profile-${p.name}`}>
            <h2 id={`profile-${p.name}`}>
              <code>{p.name}</code>
            </h2>
            <p>{p.description}</p>
            <dl class="facts">
              {rows.map(([label, value]) => (
                <Fragment key={label}>
                  <dt>{t(label)}</dt>
                  <dd>{value}</dd>
                </Fragment>
              ))}
            </dl>
          </section>
        );
      })}
      <p class="hint">{t('profiles.source')}</p>
    </Page>
  );
}
