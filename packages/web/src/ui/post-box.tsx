import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Status } from '@tweeter/shared';
import { useMemo, useState, type FormEvent } from 'react';
import { deliveryLabel, deliveryPollMs } from '../logic/delivery.js';
import { PostingFlow } from '../logic/flows.js';
import { postState } from '../logic/forms.js';
import { prependItems, type Pages } from '../logic/pages.js';
import { useMe, useServices } from './services.js';

/** How far the fan-out of my new status has got, asked until it is done. */
function DeliveryProgress({ id }: { id: string }) {
  const { api } = useServices();
  const q = useQuery({
    queryKey: ['delivery', id],
    queryFn: () => api.delivery(id),
    refetchInterval: (query) => deliveryPollMs(query.state.data),
    staleTime: 0,
  });
  if (!q.data) return null;
  return (
    <p className="delivery" role="status">
      {deliveryLabel(q.data)}
    </p>
  );
}

/** "What's on your mind?": Post Status and Clear, both off while empty; the box clears once posted. */
export function PostBox() {
  const services = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const flow = useMemo(() => new PostingFlow({ api: services.api, notify: services.toasts }), [services]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [posted, setPosted] = useState<string | null>(null);
  const state = postState(text);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!state.canPost || busy) return;
    setBusy(true);
    const result = await flow.post(text);
    setBusy(false);
    if (!result.ok) return; // the text stays for another try
    setText('');
    setPosted(result.value.id);
    const story = qc.getQueryData<Pages<Status>>(['story', me.alias]);
    if (story) qc.setQueryData(['story', me.alias], prependItems(story, [result.value]));
    void qc.invalidateQueries({ queryKey: ['user', me.alias] });
  }

  return (
    <form className="card post-box" onSubmit={submit}>
      <label htmlFor="post-text" className="visually-hidden">
        What's on your mind?
      </label>
      <textarea
        id="post-text"
        name="post"
        placeholder="What's on your mind?"
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
        }}
        aria-describedby="post-left"
      />
      <div className="post-actions">
        <span id="post-left" className={`counter${state.left < 0 ? ' over' : ''}`}>
          {state.left} characters left
        </span>
        <button type="button" onClick={() => setText('')} disabled={!state.canClear || busy}>
          Clear
        </button>
        <button type="submit" className="primary" disabled={!state.canPost || busy}>
          Post Status
        </button>
      </div>
      {posted && <DeliveryProgress id={posted} />}
    </form>
  );
}
