import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeanUnavailableError } from '../src/model/upstream-errors.js';
import { LeanTransport } from '../src/lean/transport.js';
import { LeanV1Client } from '../src/lean/v1/client.js';
import { createLogger } from '../src/log.js';
import { createTestPki, type TestPki } from './kit/certificates.js';
import { startTestSandbox, TEST_APP_TOKEN, type TestSandbox } from './kit/sandbox.js';

// Lean's production API requires the application's client certificate; the emulator can do the same.
let pki: TestPki;
let lean: TestSandbox;
beforeAll(async () => {
  pki = await createTestPki();
  lean = await startTestSandbox({ tls: { key: pki.pem.serverKey, cert: pki.pem.serverCert, ca: pki.pem.ca } });
});
afterAll(async () => {
  await lean?.close();
  await pki?.remove();
});

function clientWith(tls: { cert: string; key: string; ca?: string } | undefined): LeanV1Client {
  return new LeanV1Client(
    new LeanTransport({ baseUrl: lean.url, appToken: TEST_APP_TOKEN, tls, timeoutMs: 3_000, maxConcurrency: 4, maxRetries: 0, log: createLogger('silent') }),
  );
}

describe('mutual TLS to Lean', () => {
  it('the client presenting its certificate, trusting Lean’s CA, gets through', async () => {
    const client = clientWith({ cert: pki.pem.clientCert, key: pki.pem.clientKey, ca: pki.pem.ca });
    try {
      expect(lean.url).toMatch(/^https:/);
      const customer = await client.createCustomer('mtls-user');
      expect(customer.appUserId).toBe('mtls-user');
    } finally {
      await client.close();
    }
  });

  it('without a client certificate the connection is refused', async () => {
    const client = new LeanV1Client(
      new LeanTransport({ baseUrl: lean.url, appToken: TEST_APP_TOKEN, tls: undefined, timeoutMs: 3_000, maxConcurrency: 4, maxRetries: 0, log: createLogger('silent') }),
    );
    try {
      const error = await client.getCustomerByAppUserId('mtls-user').then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(LeanUnavailableError);
    } finally {
      await client.close();
    }
  });

  it('a certificate from another CA is refused', async () => {
    const { readFile } = await import('node:fs/promises');
    const client = clientWith({ cert: await readFile(pki.strangerCertFile, 'utf8'), key: await readFile(pki.strangerKeyFile, 'utf8'), ca: pki.pem.ca });
    try {
      expect(await client.getCustomerByAppUserId('mtls-user').then(() => undefined, (e: unknown) => e)).toBeInstanceOf(LeanUnavailableError);
    } finally {
      await client.close();
    }
  });

  it('the gateway reads LEAN_CERT_FILE, LEAN_KEY_FILE and LEAN_CA_FILE and talks to Lean over mutual TLS', async () => {
    const { startTestGateway } = await import('./kit/gateway.js');
    const { createTestDatabase } = await import('./kit/database.js');
    const database = await createTestDatabase('mtls_gateway');
    const gateway = await startTestGateway({
      ...database.env,
      LEAN_API_URL: lean.url,
      LEAN_APP_TOKEN: TEST_APP_TOKEN,
      LEAN_CERT_FILE: pki.clientCertFile,
      LEAN_KEY_FILE: pki.clientKeyFile,
      LEAN_CA_FILE: pki.caCertFile,
    });
    try {
      expect(gateway.sandbox).toBeUndefined();
      expect((await gateway.lean.getCustomerByAppUserId('mtls-user')).appUserId).toBe('mtls-user');
    } finally {
      await gateway.stop();
      await database.drop();
    }
  });
});
