import { LIMITS, IMAGE_TYPES, type ImageType } from '@tweeter/shared';
import { useRef } from 'react';
import { acceptFiles, altReminder, type Attachment } from '../logic/attachments.js';

let nextKey = 0;

/** The images of the post box: add (up to 4), preview, alt text for each (with a reminder), remove. */
export function AttachImages({
  attachments,
  onChange,
  onProblem,
  disabled,
}: {
  attachments: Attachment[];
  onChange(next: Attachment[]): void;
  onProblem(message: string): void;
  disabled: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const full = attachments.length >= LIMITS.mediaPerStatus;
  const reminder = altReminder(attachments);

  function add(files: FileList | null) {
    const list = files ? [...files] : [];
    const { take, problems } = acceptFiles(attachments.length, list);
    for (const p of problems) onProblem(p);
    const added = take.map((i): Attachment => {
      const file = list[i] as File;
      return {
        key: `img-${nextKey++}`,
        file,
        type: file.type as ImageType,
        previewUrl: URL.createObjectURL(file),
        alt: '',
      };
    });
    onChange([...attachments, ...added]);
    if (input.current) input.current.value = '';
  }

  function remove(key: string) {
    const gone = attachments.find((a) => a.key === key);
    if (gone) URL.revokeObjectURL(gone.previewUrl);
    onChange(attachments.filter((a) => a.key !== key));
  }

  return (
    <div className="attach">
      {attachments.length > 0 && (
        <ul className="attach-list" aria-label="Images to post">
          {attachments.map((a, i) => (
            <li key={a.key} className="attach-item">
              <img src={a.previewUrl} alt={a.alt || `Image ${i + 1}, no alt text yet`} />
              <label>
                <span>Alt text for image {i + 1}</span>
                <textarea
                  rows={2}
                  maxLength={LIMITS.altMax}
                  value={a.alt}
                  disabled={disabled}
                  onChange={(e) =>
                    onChange(attachments.map((x) => (x.key === a.key ? { ...x, alt: e.target.value } : x)))
                  }
                />
              </label>
              <button type="button" className="small" onClick={() => remove(a.key)} disabled={disabled}>
                Remove image {i + 1}
              </button>
            </li>
          ))}
        </ul>
      )}
      {reminder && (
        <p className="alt-reminder" role="note">
          {reminder}
        </p>
      )}
      <label className={`attach-button${full || disabled ? ' off' : ''}`}>
        Add images
        <input
          ref={input}
          type="file"
          accept={IMAGE_TYPES.join(',')}
          multiple
          disabled={full || disabled}
          className="visually-hidden"
          onChange={(e) => add(e.target.files)}
        />
      </label>
    </div>
  );
}
