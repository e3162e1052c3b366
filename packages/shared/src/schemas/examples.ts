// Example objects for the OpenAPI document (shown in /docs). A test checks each one against its schema.

const user = { alias: 'ada', firstName: 'Ada', lastName: 'Lovelace', imageUrl: null };
const reactions = { like: 3, heart: 1, mine: ['like'] };
const card = {
  url: 'https://example.com/notes',
  title: 'Notes on the Analytical Engine',
  description: 'Sketch of the engine invented by Charles Babbage, with notes by the translator.',
  imageUrl: 'https://example.com/engine.png',
  siteName: 'Example',
};

export const EXAMPLES = {
  user,
  profile: {
    ...user,
    bio: 'Notes on the engine by @charles: https://example.com/notes',
    followerCount: 120,
    followeeCount: 37,
    followedByMe: true,
    blockedByMe: false,
    mutedByMe: false,
    blocksMe: false,
  },
  authResponse: {
    user,
    token: 'kq3Zr0V9bq9m1Jx3m3Wm9f1pZ2n8Q0uXv6tC7yKe4Zc',
    expiresAt: '2026-12-29T21:00:00.000Z',
  },
  reactions,
  status: {
    id: '01JF3XA7Q9W2M8K5T1R7N4X0AB',
    author: user,
    post: 'Hello @charles, notes at https://example.com/notes',
    segments: [
      { type: 'text', text: 'Hello ', start: 0, end: 6 },
      { type: 'mention', text: '@charles', start: 6, end: 14, alias: 'charles' },
      { type: 'text', text: ', notes at ', start: 14, end: 25 },
      { type: 'url', text: 'https://example.com/notes', start: 25, end: 50 },
    ],
    createdAt: '2026-11-29T21:00:00.000Z',
    media: [],
    reactions,
    commentCount: 2,
    repostCount: 1,
    repostedByMe: false,
    card,
    inReplyTo: null,
    quote: null,
    quoteId: null,
    replyCount: 2,
    quoteCount: 0,
    deleted: false,
  },
  card,
  delivery: { state: 'running', audience: 10000, delivered: 6500 },
  board: {
    id: '01JF3W9V6Q2M8K5T1R7N4X0ABC',
    name: 'engines',
    description: 'Analytical and difference engines',
    visibility: 'public',
    owner: user,
    memberCount: 12,
    myRole: 'owner',
    retentionDays: null,
    createdAt: '2026-11-29T20:00:00.000Z',
  },
  member: { user, role: 'moderator' },
  message: {
    id: '01JF3XB2C4D6E8F0G1H3J5K7M9',
    boardId: '01JF3W9V6Q2M8K5T1R7N4X0ABC',
    author: user,
    topic: 'notes',
    text: 'The engine weaves algebraic patterns.',
    createdAt: '2026-11-29T21:05:00.000Z',
    reactions,
    deleted: false,
  },
  comment: {
    id: '01JF3XC0A1B2C3D4E5F6G7H8J9',
    statusId: '01JF3XA7Q9W2M8K5T1R7N4X0AB',
    author: user,
    text: 'Lovely notes!',
    createdAt: '2026-11-29T21:10:00.000Z',
    deleted: false,
  },
  error: {
    error: {
      code: 'validation_failed',
      message: 'body.post: must be 1 to 280 characters',
      details: [{ path: 'body.post', message: 'must be 1 to 280 characters' }],
    },
  },
} as const;
