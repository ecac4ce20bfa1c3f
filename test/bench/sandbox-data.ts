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

// The same over HTTP, as a client sees it: POST /v1/transactions for three years, insights on.
{
  const { startTestSandbox } = await import('../kit/sandbox.js');
  const lean = await startTestSandbox({ seed: 'bench' });
  try {
    const customer = await lean.lean.createCustomer('bench-user');
    const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', {
      customer_id: customer.id,
      bank_identifier: 'LEANMB1',
      permissions: ['accounts', 'transactions'],
    });
    const accounts = await lean.raw('POST', '/data/v1/accounts', { entity_id: connected.body.id });
    const accountId = (accounts.body as { payload: { accounts: { account_id: string }[] } }).payload.accounts[0]?.account_id;
    const today = new Date().toISOString().slice(0, 10);
    const threeYearsAgo = `${Number(today.slice(0, 4)) - 3}${today.slice(4)}`;
    for (const label of ['cold', 'warm']) {
      const started = performance.now();
      const answer = await lean.raw('POST', '/v1/transactions', { entity_id: connected.body.id, account_id: accountId, start_date: threeYearsAgo, end_date: today, insights: true });
      const ms = performance.now() - started;
      const count = (answer.body as { payload: { transactions: unknown[] } }).payload.transactions.length;
      process.stdout.write(`HTTP POST /v1/transactions, 3 years of one Checkings account (${label}): ${count} transactions, ${(answer.text.length / 1024).toFixed(0)} KiB, ${ms.toFixed(1)} ms\n`);
    }
  } finally {
    await lean.close();
  }
}
