// `node --import tsx test/bench/profile-top.ts <file.cpuprofile> [N]`: the N (default 25) functions
// with the most self time in a V8 CPU profile (as test/bench/cpu-profile.ts writes them), and the
// same summed per package or source folder, so a profile can be quoted in a note without DevTools.
import { readFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';

const [file, count] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-top.ts <file.cpuprofile> [N]');
const top = Number(count ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profiler.Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const samples = new Map<number, number>();
for (const id of profile.samples ?? []) samples.set(id, (samples.get(id) ?? 0) + 1);
const idleIds = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
const idle = (profile.samples ?? []).filter((id) => idleIds.has(id)).length;
// Shares are of the busy samples: idle time says nothing about where the CPU goes.
const total = (profile.samples?.length ?? 0) - idle;

const where = (url: string): string => {
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch?.[1] !== undefined) return packageMatch[1];
  const source = /\/work\/[^/]+\/((?:src|test)\/[^/]+)/.exec(url) ?? /((?:src|test)\/[^/]+)\//.exec(url);
  if (source?.[1] !== undefined) return source[1];
  return url.startsWith('node:') ? 'node internals' : url === '' ? '(native/vm)' : url;
};

const selfByFrame = new Map<string, number>();
const selfByPlace = new Map<string, number>();
for (const [id, hits] of samples) {
  if (idleIds.has(id)) continue;
  const node = byId.get(id);
  if (node === undefined) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '');
  const frame = `${functionName || '(anonymous)'} ${short === '' ? '' : `${short}:${lineNumber + 1}`}`.trim();
  selfByFrame.set(frame, (selfByFrame.get(frame) ?? 0) + hits);
  selfByPlace.set(where(url), (selfByPlace.get(where(url)) ?? 0) + hits);
}

const print = (title: string, entries: Map<string, number>, n: number) => {
  process.stdout.write(`${title} (share of ${total} busy samples; ${idle} idle)\n`);
  for (const [name, hits] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
  }
};
print('Self time by function', selfByFrame, top);
process.stdout.write('\n');
print('Self time by package / source folder', selfByPlace, 15);
