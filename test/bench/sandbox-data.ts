// `node --import tsx test/bench/sandbox-data.ts`: how long the sandbox takes to generate three years
// of one account's transactions (the largest answer the emulator gives). Prints figures; asserts nothing.
import { createSandboxData, type SandboxBank } from '../../src/sandbox/data.js';

const RUNS = 20;
const banks: SandboxBank[] = [
  { identifier: 'LEANMB1', region: 'UAE', shortName: 'Mockbank1' },
  { identifier: 'LEA1_SAMAOB_SAU', region: 'KSA', shortName: 'Mockbank3' },
];
const range = { startDate: '2000-01-01', endDate: '2099-12-31', today: '2025-06-15' };

for (const bank of banks) {
  for (const kind of ['Checkings', 'Savings', 'CreditCard'] as const) {
    const data = createSandboxData('bench');
    let account = undefined;
    for (let i = 0; account === undefined; i++) account = data.accounts(`entity-${i}`, bank).find((candidate) => candidate.type === kind);
    const timings: number[] = [];
    let count = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      count = data.transactions(account, range).length;
      timings.push(performance.now() - started);
    }
    const first = timings[0] ?? 0;
    const median = [...timings].sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
    process.stdout.write(
      `${bank.region} ${kind.padEnd(10)} 3 years: ${String(count).padStart(5)} transactions, first run ${first.toFixed(1).padStart(6)} ms, median of ${RUNS} ${median.toFixed(1).padStart(6)} ms\n`,
    );
  }
}
