import type { Project } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';

/** Each involved authority's decision on the current revision, or that it is still pending. */
export function DecisionsTable({ project }: { project: Project }) {
  const { t, date } = useI18n();
  const awaiting = project.status === 'submitted' || project.status === 'partially_approved';
  return (
    <table class="decisions">
      <caption>{t('decisions.caption', { revision: project.revision })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('summary.authority')}</th>
          <th scope="col">{t('decisions.decision')}</th>
          <th scope="col">{t('decisions.reason')}</th>
          <th scope="col">{t('decisions.date')}</th>
        </tr>
      </thead>
      <tbody>
        {project.authorities.map((authority) => {
          const d = project.decisions.find((x) => x.authority === authority);
          return (
            <tr key={authority}>
              <th scope="row">{authority}</th>
              <td>
                {d ? (
                  <span class={`badge decision-${d.decision}`}>{t(`decisions.${d.decision}`)}</span>
                ) : (
                  t(awaiting ? 'decisions.pending' : 'decisions.none')
                )}
              </td>
              <td>{d?.reason}</td>
              <td>{d && date(d.decidedAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
