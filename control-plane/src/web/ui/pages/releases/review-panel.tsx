import { useState } from 'preact/hooks';
import type { ReleaseFile, ReleaseRequest } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';

const IN_REVIEW = new Set(['submitted', 'partially_reviewed', 'reviewed']);

type Act = (method: 'POST', path: string, body?: unknown) => Promise<void>;

/** One reviewer's vote on one file: approve, or ask for changes with a comment. */
export function VoteForm({
  request,
  file,
  act,
  busy,
}: {
  request: ReleaseRequest;
  file: ReleaseFile;
  act: Act;
  busy: boolean;
}) {
  const { t } = useI18n();
  const mine = request.votes.find((v) => v.mine && v.file === file.name && v.revision === file.revision);
  const [vote, setVote] = useState<'approve' | 'changes_requested' | ''>(mine?.vote ?? '');
  const [comment, setComment] = useState(mine?.comment ?? '');
  if (!IN_REVIEW.has(request.status)) return null;
  const id = `vote-${file.id}`;
  return (
    <form
      class="vote-form"
      onSubmit={(e) => {
        e.preventDefault();
        void act('POST', `/api/v1/release-requests/${request.id}/votes`, {
          file: file.name,
          vote,
          ...(comment.trim() ? { comment } : {}),
        });
      }}
    >
      <fieldset>
        <legend>{t('release.voteOn', { file: file.name })}</legend>
        {mine && <p class="hint">{t(`release.yourVote.${mine.vote}`)}</p>}
        <div class="choice">
          <input
            type="radio"
            id={`${id}-approve`}
            name={id}
            checked={vote === 'approve'}
            disabled={file.verdict === 'block'}
            onChange={() => setVote('approve')}
          />
          <label for={`${id}-approve`}>{t('release.vote.approve')}</label>
        </div>
        <div class="choice">
          <input
            type="radio"
            id={`${id}-changes`}
            name={id}
            checked={vote === 'changes_requested'}
            onChange={() => setVote('changes_requested')}
          />
          <label for={`${id}-changes`}>{t('release.vote.changes_requested')}</label>
        </div>
        {file.verdict === 'block' && <p class="hint">{t('release.blockedNoApproval')}</p>}
        <div class="field">
          <label for={`${id}-comment`}>{t('release.comment')}</label>
          <textarea
            id={`${id}-comment`}
            rows={2}
            maxLength={5000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy || vote === ''}>
          {t('release.castVote', { file: file.name })}
        </button>
      </fieldset>
    </form>
  );
}

/** The reviewers' decisions on the whole request, once the blind phase is over. */
export function DecisionPanel({ request, act, busy }: { request: ReleaseRequest; act: Act; busy: boolean }) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  const base = `/api/v1/release-requests/${request.id}`;
  if (!IN_REVIEW.has(request.status) && request.status !== 'approved') return null;
  return (
    <section aria-labelledby="decide-heading" class="decide">
      <h2 id="decide-heading">{t('release.decide')}</h2>
      {request.status === 'approved' ? (
        <button type="button" disabled={busy} onClick={() => act('POST', `${base}/release`)}>
          {t('release.release')}
        </button>
      ) : (
        <>
          {request.status === 'reviewed' && (
            <p>
              <button type="button" disabled={busy} onClick={() => act('POST', `${base}/approve`)}>
                {t('release.approve')}
              </button>
            </p>
          )}
          <div class="field">
            <label for="decision-comment">{t('release.decisionComment')}</label>
            <p class="hint" id="decision-comment-hint">
              {t('release.decisionCommentHint')}
            </p>
            <textarea
              id="decision-comment"
              rows={3}
              maxLength={5000}
              aria-describedby="decision-comment-hint"
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </div>
          <div class="actions">
            <button
              type="button"
              class="secondary"
              disabled={busy || !comment.trim()}
              onClick={() => act('POST', `${base}/return`, { comment })}
            >
              {t('release.return')}
            </button>
            <button
              type="button"
              class="danger"
              disabled={busy || !comment.trim()}
              onClick={() => act('POST', `${base}/reject`, { comment })}
            >
              {t('release.reject')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
