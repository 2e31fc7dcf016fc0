import type { Source } from '../../api/types.js';
import type { Problems } from '../../components/problem.js';
import type { Draft } from './draft.js';

/** What every step of the application form gets: the draft, a way to change it, and its problems. */
export interface StepProps {
  draft: Draft;
  change(patch: Partial<Draft>): void;
  problems: Problems;
  sources: readonly Source[];
}
