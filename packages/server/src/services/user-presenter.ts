import type { User } from '@tweeter/shared';
import type { UserRecord } from '../ports/store.js';

/** Turns user records into the API's User objects (never exposes a password hash) */
export class UserPresenter {
  constructor(private readonly publicUrl: string) {}

  user(record: UserRecord): User {
    return {
      alias: record.alias,
      firstName: record.firstName,
      lastName: record.lastName,
      imageUrl: record.imageKey ? `${this.publicUrl}/media/${record.imageKey}` : null,
    };
  }
}
