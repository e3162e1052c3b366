// Shows why job-turns-preload.mjs does not read a turn's CPU from schedstat's counter: the kernel brings a running
// thread's sum_exec_runtime up to date only at a scheduler tick or a switch, so a read inside a busy stretch returns
// the value of the last tick. 400 spins of 0.5 ms (an idle 2 ms after every fourth, as a job thread between posts),
// each timed by schedstat's CPU counter and by the preload's measure (the loop's active time less the run-queue delay).
//   node packages/bench/scripts/schedstat-stale.mjs
/* global process, console, setTimeout */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const schedstat = () => readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
const measures = {
  'schedstat CPU counter': () => schedstat()[0] / 1e6,
  'active less run-queue delay': () => performance.eventLoopUtilization().active - schedstat()[1] / 1e6,
};
const spin = (ms) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
for (const [name, read] of Object.entries(measures)) {
  const deltas = [];
  const cpu = process.cpuUsage();
  const first = read();
  for (let i = 0; i < 400; i++) {
    const before = read();
    spin(0.5);
    deltas.push(read() - before);
    if (i % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const used = process.cpuUsage(cpu);
  deltas.sort((a, b) => a - b);
  const sum = deltas.reduce((a, b) => a + b, 0);
  console.log(
    `${name}: the spins read ${sum.toFixed(1)} ms in all (${deltas.filter((d) => d < 0.01).length} of 400 read 0, ` +
      `median ${deltas[200].toFixed(3)}, max ${deltas[399].toFixed(2)} ms); the whole loop ${(read() - first).toFixed(1)} ` +
      `ms, process.cpuUsage ${((used.user + used.system) / 1000).toFixed(1)} ms`,
  );
}
