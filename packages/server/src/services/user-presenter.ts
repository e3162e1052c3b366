import type { Media, User } from '@tweeter/shared';
import type { MediaImage, UserRecord } from '../ports/store.js';

/** Turns user and media records into API objects (never exposes a password hash); blob keys become URLs. */
export class UserPresenter {
  constructor(private readonly publicUrl: string) {}

  user(record: Pick<UserRecord, 'alias' | 'firstName' | 'lastName' | 'imageKey'>): User {
    return {
      alias: record.alias,
      firstName: record.firstName,
      lastName: record.lastName,
      imageUrl: record.imageKey ? this.blobUrl(record.imageKey) : null,
    };
  }

  media(m: MediaImage): Media {
    return {
      id: m.id,
      type: 'image',
      url: this.blobUrl(m.key),
      previewUrl: this.blobUrl(m.previewKey),
      width: m.width,
      height: m.height,
      blurhash: m.blurhash,
      alt: m.alt,
    };
  }

  private blobUrl(key: string): string {
    return `${this.publicUrl}/media/${key}`;
  }
}
