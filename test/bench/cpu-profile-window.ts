// Preload that CPU-profiles a window of a Node process's life: the first SIGUSR2 starts the profiler,
// the second stops it and writes `<CPU_PROFILE_DIR or .bench/profiles>/<pid>-<n>.cpuprofile`; and so
// on. `npm run bench:query` sends them around one scenario when BENCH_PROFILE names it, e.g.
//   BENCH_PROFILE=nested BENCH_GATEWAY_NODE_OPTIONS="--import tsx --import ./test/bench/cpu-profile-window.ts" npm run bench:query
// (test/bench/cpu-profile.ts profiles the whole life instead); summarise with test/bench/profile-top.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { join, resolve } from 'node:path';

const dir = resolve(process.env['CPU_PROFILE_DIR'] ?? '.bench/profiles');
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
let profiling = false;
let written = 0;

process.on('SIGUSR2', () => {
  if (!profiling) {
    session.post('Profiler.start');
    profiling = true;
    return;
  }
  profiling = false;
  session.post('Profiler.stop', (error, result: Profiler.StopReturnType) => {
    if (error !== null) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${process.pid}-${++written}.cpuprofile`), JSON.stringify(result.profile));
  });
});
