import { afterAll, beforeAll } from 'vitest';
import { startDynalite, startEmulators } from '../../src/dev/emulators.js';

/** The endpoints of emulators a suite shares; read them inside tests and hooks (they exist once beforeAll ran). */
export interface SharedEmulators {
  readonly dynamodbEndpoint: string;
  readonly fauxqsEndpoint: string;
}

/**
 * dynalite and fauxqs on random loopback ports for the tests of this file (or of the describe block it is called
 * in): started before them, stopped after. Each test makes its own tables, queues or buckets on them.
 */
export function useEmulators(): SharedEmulators {
  let started: Awaited<ReturnType<typeof startEmulators>> | undefined;
  beforeAll(async () => {
    started = await startEmulators();
  });
  afterAll(async () => {
    await started?.stop();
    started = undefined;
  });
  const running = () => started ?? fail('the emulators run only inside tests and their hooks');
  return {
    get dynamodbEndpoint() {
      return running().dynamodbEndpoint;
    },
    get fauxqsEndpoint() {
      return running().fauxqsEndpoint;
    },
  };
}

/** dynalite alone, as useEmulators starts it, for suites that need only DynamoDB. */
export function useDynalite(): { readonly endpoint: string } {
  let started: Awaited<ReturnType<typeof startDynalite>> | undefined;
  beforeAll(async () => {
    started = await startDynalite();
  });
  afterAll(async () => {
    await started?.stop();
    started = undefined;
  });
  return {
    get endpoint() {
      return (started ?? fail('dynalite runs only inside tests and their hooks')).endpoint;
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}
