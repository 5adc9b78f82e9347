/**
 * A throwaway certificate authority for TLS tests, made with the openssl CLI: a CA, server
 * certificates for 127.0.0.1/localhost and client certificates, all EC P-256, valid for a day.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  cert: string;
  key: string;
}

export interface TestCa {
  dir: string;
  /** The CA certificate (PEM file). */
  ca: string;
  caKey: string;
  /** A certificate for 127.0.0.1 and localhost, for servers. */
  server(name?: string): TestCert;
  /** A certificate for clients (extendedKeyUsage clientAuth). */
  client(name?: string): TestCert;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

function ecKey(path: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', path]);
}

/** A new CA in its own folder under the run's temporary directory. */
export function createTestCa(label = 'titan-test-ca'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  ecKey(caKey);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    caKey,
    '-out',
    ca,
    '-days',
    '1',
    '-subj',
    `/CN=${label}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  let serial = 1;
  const issue = (name: string, ext: string): TestCert => {
    const key = join(dir, `${name}.key`);
    const csr = join(dir, `${name}.csr`);
    const cert = join(dir, `${name}.pem`);
    const extFile = join(dir, `${name}.ext`);
    ecKey(key);
    openssl(['req', '-new', '-key', key, '-out', csr, '-subj', `/CN=${name}`]);
    writeFileSync(extFile, ext);
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca,
      '-CAkey',
      caKey,
      '-set_serial',
      String(serial++),
      '-out',
      cert,
      '-days',
      '1',
      '-extfile',
      extFile,
    ]);
    return { cert, key };
  };
  return {
    dir,
    ca,
    caKey,
    server: (name = 'server') =>
      issue(name, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n'),
    client: (name = 'client') => issue(name, 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n'),
  };
}
