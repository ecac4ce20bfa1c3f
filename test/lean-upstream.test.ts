import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPgliteDirectory, createTestDatabase } from './kit/database.js';
import { projectRoot, startTestGateway } from './kit/gateway.js';
import { eventually } from './kit/sandbox.js';

describe('zero-config start: the gateway with a Lean emulator in-process', () => {
  it('shares a generated app token with the emulator and addresses its webhooks to /webhooks/lean', async () => {
    const database = await createTestDatabase('zero_config');
    const gateway = await startTestGateway(database.env);
    try {
      expect(gateway.sandbox).toBeDefined();
      const customer = await gateway.lean.createCustomer('zero-config-user');
      const connect = await fetch(`${gateway.sandbox?.url}/sandbox/connect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer_id: customer.id, bank_identifier: 'LEANMB1', permissions: ['accounts'] }),
      });
      expect(connect.status).toBe(201);
      // The webhook reached this gateway, signed with the secret both share, and was acknowledged.
      const delivery = await eventually(() => gateway.sandbox?.webhooks.find((w) => w.type === 'entity.created' && w.attempts.length > 0));
      expect(delivery.attempts[0]?.status).toBe(200);
      expect(gateway.logs.some((line) => line.includes('"url":"/webhooks/lean"'))).toBe(true);
    } finally {
      await gateway.stop();
      await database.drop();
    }
  });

  it('with embedded Postgres the emulator keeps its customers across a restart', async () => {
    const directory = await createPgliteDirectory('sandbox_state');
    try {
      const first = await startTestGateway(directory.env);
      const created = await first.lean.createCustomer('kept-user');
      await first.stop();
      const second = await startTestGateway(directory.env);
      try {
        expect(await second.lean.getCustomerByAppUserId('kept-user')).toEqual(created);
      } finally {
        await second.stop();
      }
    } finally {
      await directory.drop();
    }
  });
});

describe('a start-up that fails', () => {
  it('leaves no emulator listening behind it', async () => {
    const occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const sandboxPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const database = await createTestDatabase('failed_start');
    try {
      const failed = startTestGateway({ ...database.env, PORT: String((occupied.address() as AddressInfo).port), LEAN_SANDBOX_PORT: String(sandboxPort) });
      await expect(failed).rejects.toThrow(/EADDRINUSE/);
      const reuse = createServer();
      await new Promise<void>((resolve, reject) => reuse.once('error', reject).listen(sandboxPort, '127.0.0.1', resolve));
      await new Promise((resolve) => reuse.close(resolve));
    } finally {
      await new Promise((resolve) => occupied.close(resolve));
      await database.drop();
    }
  });
});

describe('npm run sandbox', () => {
  it('answers the curl of Lean’s guide, with the documented app token, host swapped', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts'], {
      cwd: projectRoot,
      env: { ...process.env, LEAN_SANDBOX_PORT: '0', LEAN_APP_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const url = await eventually(() => /"url":"(http:[^"]+)"/.exec(output)?.[1], 15_000);
      const response = await fetch(`${url}/customers/v1/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'lean-app-token': 'YOUR_APP_TOKEN' },
        body: JSON.stringify({ app_user_id: 'IDENTIFIER_FOR_CUSTOMER' }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ app_user_id: 'IDENTIFIER_FOR_CUSTOMER', customer_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
