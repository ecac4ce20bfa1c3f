// Preload that CPU-profiles a Node process until it exits (`--cpu-prof` is not allowed in NODE_OPTIONS):
//   BENCH_GATEWAY_NODE_OPTIONS="--import tsx --import ./test/bench/cpu-profile.ts" npm run bench:webhooks
// writes `.bench/profiles/<pid>.cpuprofile` (or into CPU_PROFILE_DIR) for each gateway; open it in
// Chrome DevTools or VS Code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { join, resolve } from 'node:path';

const dir = resolve(process.env['CPU_PROFILE_DIR'] ?? '.bench/profiles');
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');

// A session on the process's own thread answers synchronously, so this completes inside 'exit'.
process.on('exit', () => {
  session.post('Profiler.stop', (error, result: Profiler.StopReturnType) => {
    if (error !== null) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
