import type { Media } from '@tweeter/shared';
import { decode } from 'blurhash';
import { useEffect, useRef, useState } from 'react';

/** The blurhash painted on a tiny canvas (stretched by CSS) until the preview has loaded. */
function Blurhash({ hash }: { hash: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    try {
      const pixels = decode(hash, 32, 32);
      const image = ctx.createImageData(32, 32);
      image.data.set(pixels);
      ctx.putImageData(image, 0, 0);
    } catch {
      // A malformed hash leaves the plain background.
    }
  }, [hash]);
  return <canvas ref={canvas} width={32} height={32} className="blurhash" aria-hidden="true" />;
}

function Tile({ media, onOpen }: { media: Media; onOpen(): void }) {
  const [loaded, setLoaded] = useState(false);
  return (
    <button
      type="button"
      className="media-tile"
      onClick={onOpen}
      aria-label={`View image: ${media.alt || 'no alt text'}`}
    >
      {!loaded && <Blurhash hash={media.blurhash} />}
      <img
        src={media.previewUrl}
        alt={media.alt}
        width={media.width}
        height={media.height}
        loading="lazy"
        onLoad={() => setLoaded(true)}
        className={loaded ? 'loaded' : ''}
      />
    </button>
  );
}

/** A modal viewer: the full image with its alt text; arrows step through, Escape (or Close) returns. */
function Viewer({ media, start, onClose }: { media: Media[]; start: number; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [index, setIndex] = useState(start);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  const current = media[index] as Media;
  const step = (by: number) => setIndex((i) => (i + by + media.length) % media.length);
  return (
    <dialog
      ref={dialog}
      className="viewer"
      aria-label={`Image ${index + 1} of ${media.length}`}
      onClose={onClose}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight') step(1);
        if (e.key === 'ArrowLeft') step(-1);
      }}
    >
      <img src={current.url} alt={current.alt} width={current.width} height={current.height} />
      {current.alt && <p className="viewer-alt">{current.alt}</p>}
      <div className="viewer-actions">
        {media.length > 1 && (
          <>
            <button type="button" onClick={() => step(-1)}>
              Previous image
            </button>
            <span>
              {index + 1} / {media.length}
            </span>
            <button type="button" onClick={() => step(1)}>
              Next image
            </button>
          </>
        )}
        <button type="button" onClick={() => dialog.current?.close()} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}

/** The 1 to 4 images of a status as a grid; each opens the viewer. */
export function MediaGrid({ media }: { media: Media[] }) {
  const [open, setOpen] = useState<number | null>(null);
  if (media.length === 0) return null;
  return (
    <div className={`media-grid n${media.length}`}>
      {media.map((m, i) => (
        <Tile key={m.id} media={m} onOpen={() => setOpen(i)} />
      ))}
      {open !== null && <Viewer media={media} start={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
