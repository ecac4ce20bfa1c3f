import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { spawnGateway } from './kit/gateway.js';

const BODY = JSON.stringify({ query: '{ viewer { kind } }' });

/** Sends the headers and the first half of a POST /graphql, leaving the request in flight. */
async function startSlowRequest(port: number): Promise<{ socket: Socket; finish: () => void; response: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const chunks: Buffer[] = [];
  const response = new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  const half = Math.floor(BODY.length / 2);
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY.slice(0, half)}`,
  );
  return { socket, finish: () => socket.write(BODY.slice(half)), response };
}

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', () => resolve(true));
  });

describe('graceful shutdown', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('shutdown');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('on SIGTERM stops accepting, lets the request in flight finish, and exits 0', async () => {
    const gateway = spawnGateway(database.env);
    const port = Number(new URL(await gateway.ready).port);
    const inFlight = await startSlowRequest(port);
    await new Promise((resolve) => setTimeout(resolve, 200));

    gateway.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await refusesConnections(port)).toBe(true);

    inFlight.finish();
    const raw = await inFlight.response;
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('{"data":{"viewer":{"kind":"SERVICE"}}}');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
  });

  it('cuts a request that never finishes after the 10-second grace period, and still exits 0', async () => {
    const gateway = spawnGateway(database.env);
    const port = Number(new URL(await gateway.ready).port);
    const stalled = await startSlowRequest(port);
    const signalled = Date.now();
    gateway.child.kill('SIGINT');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    const waited = Date.now() - signalled;
    expect(waited).toBeGreaterThanOrEqual(9_500);
    expect(waited).toBeLessThan(20_000);
    await stalled.response; // the server closed the connection
  });
});
