import { IMAGE_TYPES, LIMITS, type ImageType } from '@tweeter/shared';

/** An image picked for the post box, before it is uploaded. */
export interface Attachment {
  key: string;
  file: Blob;
  type: ImageType;
  /** A local object URL for the preview. */
  previewUrl: string;
  alt: string;
}

/** Which picked files can be added: images of an accepted type, up to the per-status limit, with why not. */
export function acceptFiles(
  current: number,
  files: readonly { type: string; size: number }[],
): { take: number[]; problems: string[] } {
  const take: number[] = [];
  const problems: string[] = [];
  files.forEach((f, i) => {
    if (!(IMAGE_TYPES as readonly string[]).includes(f.type)) problems.push('Only PNG, JPEG or WebP images');
    else if (f.size > LIMITS.mediaMaxBytes) problems.push('An image can be at most 8 MB');
    else if (current + take.length >= LIMITS.mediaPerStatus) problems.push(`At most ${LIMITS.mediaPerStatus} images`);
    else take.push(i);
  });
  return { take, problems: [...new Set(problems)] };
}

/** The reminder shown under the images when some have no alt text (posting stays allowed). */
export function altReminder(attachments: readonly Pick<Attachment, 'alt'>[]): string | null {
  const missing = attachments.filter((a) => a.alt.trim() === '').length;
  if (missing === 0) return null;
  return missing === 1
    ? '1 image has no alt text: describe it for people who cannot see it.'
    : `${missing} images have no alt text: describe them for people who cannot see them.`;
}
