import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LIMITS, type QuotedStatus, type Status } from '@tweeter/shared';
import { Link } from 'react-router';
import { patchItem } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { goneText } from '../logic/thread-tree.js';
import { fullTime, shortTime } from '../logic/time.js';
import { useServices } from './services.js';
import { StatusText } from './status-text.js';
import { ThreadComposer } from './thread.js';

/** A quoted status embedded in a status card (one level: its own quote shows as a link), or "unavailable". */
export function QuotedCard({ quote }: { quote: QuotedStatus | Status }) {
  if (quote.deleted) return <p className="quoted deleted">{goneText(quote)}</p>;
  const a = quote.author;
  return (
    <blockquote className="quoted" aria-label={`Quoted status by ${a.firstName} ${a.lastName}`}>
      <header className="status-head">
        <span className="name">
          {a.firstName} {a.lastName}
        </span>{' '}
        <span className="alias">@{a.alias}</span>{' '}
        <Link to={`/statuses/${quote.id}`} className="time">
          <time dateTime={quote.createdAt} title={fullTime(quote.createdAt)}>
            {shortTime(quote.createdAt)}
          </time>
        </Link>
      </header>
      <StatusText segments={quote.segments} />
      {quote.quoteId && (
        <Link to={`/statuses/${quote.quoteId}`} className="small">
          Quotes another status
        </Link>
      )}
    </blockquote>
  );
}

/** The quote composer: what is quoted, above the box for my words. */
export function QuoteComposer({ status, onDone }: { status: Status; onDone: () => void }) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const send = useMutation({
    mutationFn: (text: string) => api.postRef(text, { quoteOfId: status.id }),
    onSuccess: () => {
      patchItem<Status>(qc, { kind: 'status', id: status.id }, (s) => ({ ...s, quoteCount: s.quoteCount + 1 }));
      toasts.success('Quote posted.');
      onDone();
    },
    onError: (err) => toasts.error(failure('post the quote', err)),
  });
  return (
    <div className="quote-composer" role="group" aria-label={`Quote @${status.author.alias}`}>
      <ThreadComposer
        id={`quote-${status.id}`}
        className="quote-form"
        label={`Your words on @${status.author.alias}'s status`}
        max={LIMITS.postMax}
        action="Post quote"
        onSend={send.mutateAsync}
      />
      <QuotedCard quote={status} />
      <button type="button" className="link-button small" onClick={onDone}>
        Cancel
      </button>
    </div>
  );
}
