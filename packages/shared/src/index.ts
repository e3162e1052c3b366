export * from './limits.js';
export * from './errors.js';
export * from './segments.js';
export * from './schemas/common.js';
export * from './schemas/users.js';
export * from './schemas/statuses.js';
