// Background work shares the event loop with HTTP: this hands it out one piece per loop turn.

const waiting: (() => void)[] = [];
let armed = false;

function pump(): void {
  const next = waiting.shift();
  if (waiting.length > 0) setImmediate(pump);
  else armed = false;
  next?.();
}

/**
 * Resolves in a later event-loop turn, after pending I/O (HTTP requests) has run, and at most one waiter per
 * turn. Plain setImmediate would run every waiter in the same turn: two worker loops yielding together would
 * then write two feed batches back to back while requests wait. SQLite calls are synchronous, so this is the
 * only place where job work lets requests through.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!armed) {
      armed = true;
      setImmediate(pump);
    }
  });
}
