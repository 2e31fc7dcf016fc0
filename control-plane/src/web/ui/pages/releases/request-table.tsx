import type { ComponentChildren } from 'preact';
import type { ReleaseRequest } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { ReleaseStatusBadge } from './release-badges.js';

/** Release requests as a table: each opens by its context's first line; the last column varies. */
export function RequestTable(props: {
  caption: string;
  requests: ReleaseRequest[];
  files: (r: ReleaseRequest) => ComponentChildren;
  when: { label: string; of: (r: ReleaseRequest) => string | null | undefined };
}) {
  const { t, dateTime } = useI18n();
  return (
    <table>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('release.request')}</th>
          <th scope="col">{t('release.state')}</th>
          <th scope="col">{t('release.files')}</th>
          <th scope="col">{props.when.label}</th>
        </tr>
      </thead>
      <tbody>
        {props.requests.map((r) => {
          const when = props.when.of(r);
          return (
            <tr key={r.id}>
              <th scope="row">
                <Link href={`/releases/${r.id}`}>{r.context.split('\n')[0]?.slice(0, 80)}</Link>
              </th>
              <td>
                <ReleaseStatusBadge status={r.status} />
              </td>
              <td>{props.files(r)}</td>
              <td>{when ? dateTime(when) : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
