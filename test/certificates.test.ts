import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import { describe, it, expect, afterAll } from 'vitest';
import { createTestPki } from './kit/certificates.js';

const pki = await createTestPki();
const agents: Agent[] = [];
// What the application saw: the accepted client's name, and how many requests got past TLS at all.
let lastPeerCommonName: unknown;
let served = 0;

const server: Server = createServer(
  { key: pki.pem.serverKey, cert: pki.pem.serverCert, ca: pki.pem.ca, requestCert: true, rejectUnauthorized: true },
  (req, res) => {
    served += 1;
    lastPeerCommonName = (req.socket as TLSSocket).getPeerCertificate().subject.CN;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  },
);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;

function agent(connect: { ca?: string; cert?: string; key?: string }): Agent {
  const created = new Agent({ connect });
  agents.push(created);
  return created;
}

// Node's server destroys the socket after a refused handshake; the client sees a close or a TLS alert.
const refused = { code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET|EPIPE|ERR_SSL_)/) as unknown };

async function get(dispatcher: Agent): Promise<{ status: number; body: string }> {
  const response = await request(url, { dispatcher });
  return { status: response.statusCode, body: await response.body.text() };
}

afterAll(async () => {
  await Promise.all(agents.map((created) => created.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await pki.remove();
});

describe('test PKI over mutual TLS', () => {
  it('writes every PEM file into its temp dir', async () => {
    const files = [pki.caCertFile, pki.serverCertFile, pki.serverKeyFile, pki.clientCertFile, pki.clientKeyFile,
      pki.strangerCertFile, pki.strangerKeyFile];
    for (const file of files) {
      expect(file.startsWith(pki.dir)).toBe(true);
      expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN /);
    }
    expect(await readFile(pki.caCertFile, 'utf8')).toBe(pki.pem.ca);
  });

  it('accepts a client certificate signed by the CA', async () => {
    const dispatcher = agent({ ca: pki.pem.ca, cert: pki.pem.clientCert, key: pki.pem.clientKey });
    expect(await get(dispatcher)).toEqual({ status: 200, body: 'ok' });
    expect(lastPeerCommonName).toBe('lean-gateway-test-client');
  });

  it('refuses the handshake without a client certificate', async () => {
    const before = served;
    await expect(get(agent({ ca: pki.pem.ca }))).rejects.toMatchObject(refused);
    expect(served).toBe(before);
  });

  it('refuses a client certificate signed by another CA', async () => {
    const [cert, key] = await Promise.all([readFile(pki.strangerCertFile, 'utf8'), readFile(pki.strangerKeyFile, 'utf8')]);
    const before = served;
    await expect(get(agent({ ca: pki.pem.ca, cert, key }))).rejects.toMatchObject(refused);
    expect(served).toBe(before);
  });

  it('is not trusted by a client that lacks the CA', async () => {
    const dispatcher = agent({ cert: pki.pem.clientCert, key: pki.pem.clientKey });
    // The server sends the CA along with its leaf, so OpenSSL names the self-signed root it cannot trust.
    await expect(get(dispatcher)).rejects.toMatchObject({
      code: expect.stringMatching(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/) as unknown,
    });
  });
});
