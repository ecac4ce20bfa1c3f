import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A throwaway PKI for mutual-TLS tests, made with the `openssl` command line in a fresh temp dir:
 * a CA, a server and a client certificate it signs, and a client certificate from an unrelated CA.
 */
export interface TestPki {
  readonly dir: string;
  /** PEM file paths */
  readonly caCertFile: string;
  readonly serverCertFile: string; // signed by the CA, SAN: DNS:localhost, IP:127.0.0.1, serverAuth EKU
  readonly serverKeyFile: string;
  readonly clientCertFile: string; // signed by the CA, clientAuth EKU, CN=lean-gateway-test-client
  readonly clientKeyFile: string;
  /** A client certificate and key signed by a DIFFERENT CA (to prove the server refuses it). */
  readonly strangerCertFile: string;
  readonly strangerKeyFile: string;
  /** The same material as PEM strings, for node:https createServer({ key, cert, ca, requestCert: true, rejectUnauthorized: true }). */
  readonly pem: { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
  remove(): Promise<void>;
}

const VALIDITY_DAYS = '2';
// P-256 keys are generated in milliseconds, where RSA would dominate the test's start-up time.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc'];

// Our own config, so the result does not depend on the machine's openssl.cnf defaults.
const CA_CONFIG = `[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

const REQ_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
`;

function leafExtensions(usage: 'serverAuth' | 'clientAuth', subjectAltName?: string): string {
  return [
    '[leaf]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    `extendedKeyUsage = ${usage}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid, issuer',
    ...(subjectAltName === undefined ? [] : [`subjectAltName = ${subjectAltName}`]),
    '',
  ].join('\n');
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 10_000 });
  } catch (error) {
    // execFile's message lacks openssl's own diagnostics, which are on stderr.
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' && stderr.trim() !== '' ? `: ${stderr.trim()}` : '';
    throw new Error(`openssl ${args[0] ?? ''} failed${detail}`, { cause: error });
  }
}

interface Authority {
  readonly certFile: string;
  readonly keyFile: string;
}

async function createAuthority(dir: string, name: string, commonName: string): Promise<Authority> {
  const configFile = join(dir, `${name}.cnf`);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await writeFile(configFile, CA_CONFIG);
  await openssl(['req', '-x509', '-config', configFile, ...EC_KEY, '-keyout', keyFile, '-out', certFile,
    '-days', VALIDITY_DAYS, '-sha256', '-subj', `/CN=${commonName}`]);
  return { certFile, keyFile };
}

async function createLeaf(
  dir: string,
  name: string,
  authority: Authority,
  commonName: string,
  extensions: string,
): Promise<{ certFile: string; keyFile: string }> {
  const configFile = join(dir, `${name}.cnf`);
  const extFile = join(dir, `${name}.ext`);
  const csrFile = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await Promise.all([writeFile(configFile, REQ_CONFIG), writeFile(extFile, extensions)]);
  await openssl(['req', '-new', '-config', configFile, ...EC_KEY, '-keyout', keyFile, '-out', csrFile,
    '-subj', `/CN=${commonName}`]);
  // A random serial instead of -CAcreateserial: leaves are signed in parallel and would race on ca.srl.
  await openssl(['x509', '-req', '-in', csrFile, '-CA', authority.certFile, '-CAkey', authority.keyFile,
    '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', VALIDITY_DAYS, '-sha256',
    '-extfile', extFile, '-extensions', 'leaf', '-out', certFile]);
  return { certFile, keyFile };
}

export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'lean-gateway-pki-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const [ca, strangerCa] = await Promise.all([
      createAuthority(dir, 'ca', 'lean-gateway-test-ca'),
      createAuthority(dir, 'stranger-ca', 'lean-gateway-stranger-ca'),
    ]);
    const [server, client, stranger] = await Promise.all([
      createLeaf(dir, 'server', ca, 'localhost', leafExtensions('serverAuth', 'DNS:localhost, IP:127.0.0.1')),
      createLeaf(dir, 'client', ca, 'lean-gateway-test-client', leafExtensions('clientAuth')),
      createLeaf(dir, 'stranger', strangerCa, 'lean-gateway-test-client', leafExtensions('clientAuth')),
    ]);
    const [caPem, serverCert, serverKey, clientCert, clientKey] = await Promise.all([
      readFile(ca.certFile, 'utf8'),
      readFile(server.certFile, 'utf8'),
      readFile(server.keyFile, 'utf8'),
      readFile(client.certFile, 'utf8'),
      readFile(client.keyFile, 'utf8'),
    ]);
    return {
      dir,
      caCertFile: ca.certFile,
      serverCertFile: server.certFile,
      serverKeyFile: server.keyFile,
      clientCertFile: client.certFile,
      clientKeyFile: client.keyFile,
      strangerCertFile: stranger.certFile,
      strangerKeyFile: stranger.keyFile,
      pem: { ca: caPem, serverCert, serverKey, clientCert, clientKey },
      remove,
    };
  } catch (error) {
    // Leave no half-made PKI behind when openssl is missing or refuses an argument.
    await remove();
    throw error;
  }
}
