export {
  createTweeterClient,
  TweeterClient,
  type InitArgs,
  type OperationId,
  type OperationInit,
  type OperationResult,
  type PagedOperationId,
  type PageItem,
  type ResponseValidator,
  type TweeterClientOptions,
} from './client.js';
export { TweeterApiError, type TweeterErrorDetail } from './errors.js';
export type { components, operations, paths } from './generated/openapi.js';
export { OPERATIONS } from './generated/operations.js';

import type { components } from './generated/openapi.js';
type Schemas = components['schemas'];
export type User = Schemas['User'];
export type Profile = Schemas['Profile'];
export type AuthResponse = Schemas['AuthResponse'];
export type Status = Schemas['Status'];
export type Card = Schemas['Card'];
export type Segment = Schemas['Segment'];
export type Reactions = Schemas['Reactions'];
export type Delivery = Schemas['Delivery'];
export type Board = Schemas['Board'];
export type Member = Schemas['Member'];
export type Message = Schemas['Message'];
export type Comment = Schemas['Comment'];
export type AuditEntry = Schemas['AuditEntry'];
export type ErrorBody = Schemas['Error'];
