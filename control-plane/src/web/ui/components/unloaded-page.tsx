import { ErrorAlert, Loading } from './alerts.js';
import { Page } from './page.js';

/**
 * A page before its data is there: the loading note, or, when loading failed, the error under the
 * page's title, so the person still learns where they are.
 */
export function UnloadedPage({ title, error }: { title: string; error: unknown }) {
  if (error === undefined) return <Loading />;
  return (
    <Page title={title}>
      <ErrorAlert error={error} />
    </Page>
  );
}
