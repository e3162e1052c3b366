// What waking a sleeping thread costs on this machine: a MessagePort ping-pong between two worker threads (s18-spin).
// The pinger sends {sent}, the echoer answers {sent, got}; one clock (process.hrtime, CLOCK_MONOTONIC) in both.
// Cases: one message every 5 ms (both threads block in libuv between) and back to back; each with the threads
// polling (a setImmediate loop: libuv polls with a zero timeout) for a bounded window after each message before they
// let the loop block: the pinger alone (it polls until the answer came, as an HTTP thread with a write out), or
// both (the echoer too, after each answer, as a job thread after its turn). Prints one-way (pinger's send -> echoer's listener) and round-trip p50/p99 and the process's
// CPU a message (process.cpuUsage over the case: run it under the shared lock so nothing of ours runs beside it).
//   flock /work/bench.lock node packages/bench/scripts/wake-pingpong.mjs [messages=2000] [spinUs=200,1000]
/* global process, console, setTimeout, setImmediate, URL */
import { Worker, MessageChannel, isMainThread, workerData } from 'node:worker_threads';

const now = () => Number(process.hrtime.bigint()) / 1000; // µs

// Keep the loop polling until `done()` or `us` have passed, then let it block again.
const pollFor = (us, done) => {
  if (us <= 0) return;
  const end = now() + us;
  const tick = () => {
    if (!done() && now() < end) setImmediate(tick);
  };
  setImmediate(tick);
};

if (isMainThread) {
  const messages = Number(process.argv[2] ?? 2000);
  const spins = (process.argv[3] ?? '200,1000').split(',').map(Number);
  const cases = [];
  for (const gapMs of [5, 0]) {
    cases.push({ gapMs, spinUs: 0, echoSpins: false });
    for (const spinUs of spins) for (const echoSpins of [false, true]) cases.push({ gapMs, spinUs, echoSpins });
  }
  const source = new URL(import.meta.url);
  const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  for (const c of cases) {
    const { port1, port2 } = new MessageChannel();
    const echoer = new Worker(source, { workerData: { role: 'echo', port: port2, ...c }, transferList: [port2] });
    const pinger = new Worker(source, {
      workerData: { role: 'ping', port: port1, messages, ...c },
      transferList: [port1],
    });
    await new Promise((resolve) => setTimeout(resolve, 200)); // both threads up before the CPU is counted
    const cpu = process.cpuUsage();
    const wall = now();
    pinger.postMessage('go');
    const result = await new Promise((resolve) => pinger.once('message', resolve));
    const used = process.cpuUsage(cpu);
    const wallUs = now() - wall;
    await echoer.terminate();
    await pinger.terminate();
    const oneWay = result.oneWay.sort((a, b) => a - b);
    const rtt = result.rtt.sort((a, b) => a - b);
    const back = result.back.sort((a, b) => a - b);
    const cpuUs = (used.user + used.system) / result.rtt.length;
    console.log(
      `gap ${c.gapMs} ms, poll ${String(c.spinUs).padStart(4)} µs (${c.echoSpins ? 'both' : 'pinger'}): one-way p50 ${pct(oneWay, 0.5).toFixed(0)} ` +
        `p99 ${pct(oneWay, 0.99).toFixed(0)} max ${oneWay.at(-1).toFixed(0)} µs; back p50 ${pct(back, 0.5).toFixed(0)} ` +
        `p99 ${pct(back, 0.99).toFixed(0)}; round trip p50 ${pct(rtt, 0.5).toFixed(0)} p99 ${pct(rtt, 0.99).toFixed(0)} ` +
        `max ${rtt.at(-1).toFixed(0)} µs; CPU ${cpuUs.toFixed(0)} µs a round trip ` +
        `(${((100 * (used.user + used.system)) / wallUs).toFixed(0)}% of a core)`,
    );
  }
} else if (workerData.role === 'echo') {
  const { port, spinUs, echoSpins } = workerData;
  port.on('message', (m) => {
    const got = now();
    port.postMessage({ sent: m.sent, got });
    // The echoer's next message is due in gapMs: it polls (done never true) for spinUs, then blocks.
    if (echoSpins) pollFor(spinUs, () => false);
  });
} else {
  const { port, messages, gapMs, spinUs } = workerData;
  const oneWay = [];
  const rtt = [];
  const back = [];
  let waiting = false;
  const send = () => {
    waiting = true;
    port.postMessage({ sent: now() });
    pollFor(spinUs, () => !waiting); // the answer is coming: poll for it (stops when it came)
  };
  port.on('message', (m) => {
    const t = now();
    waiting = false;
    oneWay.push(m.got - m.sent);
    back.push(t - m.got);
    rtt.push(t - m.sent);
    if (rtt.length >= messages) {
      port.close();
      process.nextTick(() =>
        import('node:worker_threads').then((w) => w.parentPort.postMessage({ oneWay, rtt, back })),
      );
      return;
    }
    if (gapMs > 0) setTimeout(send, gapMs);
    else send();
  });
  const { parentPort } = await import('node:worker_threads');
  parentPort.once('message', () => send());
}
