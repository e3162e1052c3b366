import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Status } from '@tweeter/shared';
import { useMemo, useState, type FormEvent } from 'react';
import { deliveryLabel, deliveryPollMs } from '../logic/delivery.js';
import { PostingFlow } from '../logic/flows.js';
import { errorMessage } from '../api/client.js';
import type { Attachment } from '../logic/attachments.js';
import { postState } from '../logic/forms.js';
import { prependItems, type Pages } from '../logic/pages.js';
import { AttachImages } from './attach-images.js';
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
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  // Ids of images already uploaded (by attachment key, with the alt sent), so a retry does not upload again.
  const [uploaded, setUploaded] = useState<Record<string, { id: string; alt: string }>>({});
  const state = postState(text);

  /** Uploads what is not uploaded yet (alt text with it); null when one failed (the toast says why). */
  async function uploadAll(): Promise<string[] | null> {
    const ids: string[] = [];
    const done = { ...uploaded };
    for (const a of attachments) {
      const alt = a.alt.trim();
      let entry = done[a.key];
      try {
        if (!entry) {
          const media = await services.api.uploadMedia(a.file, a.type, alt || undefined);
          entry = { id: media.id, alt };
        } else if (entry.alt !== alt) {
          await services.api.setMediaAlt(entry.id, alt);
          entry = { ...entry, alt };
        }
      } catch (err) {
        setUploaded(done);
        services.toasts.error(`Could not upload the image: ${errorMessage(err)}`);
        return null;
      }
      done[a.key] = entry;
      ids.push(entry.id);
    }
    setUploaded(done);
    return ids;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!state.canPost || busy) return;
    setBusy(true);
    const mediaIds = await uploadAll();
    const result = mediaIds ? await flow.post(text, mediaIds) : null;
    setBusy(false);
    if (!result?.ok) return; // the text and images stay for another try
    for (const a of attachments) URL.revokeObjectURL(a.previewUrl);
    setAttachments([]);
    setUploaded({});
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
      <AttachImages
        attachments={attachments}
        onChange={setAttachments}
        onProblem={(message) => services.toasts.error(message)}
        disabled={busy}
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
