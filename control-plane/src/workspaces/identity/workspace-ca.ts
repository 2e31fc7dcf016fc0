import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';

const CA_DAYS = 3650;
/** Client certificates live a day at most, and never past the project's deletion date. */
const CLIENT_HOURS = 24;

/** What a workspace's sandbox holds to prove who it is to the control plane's outbox service. */
export interface WorkspaceIdentity {
  certificatePem: string;
  privateKeyPem: string;
  caPem: string;
  /** Upper-case hex, as TLS reports it; the control plane accepts only a workspace's latest one. */
  serial: string;
  expiresAt: Date;
}

function newKey(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  // Node's own RSA key generation; node-forge only assembles and signs the certificates.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

function serialNumber(): string {
  // Positive (leading byte below 0x80) and unique.
  return `01${randomBytes(15).toString('hex')}`;
}

/**
 * The internal CA of workspace identities: it issues each sandbox a short-lived client certificate
 * naming its workspace and project, and the outbox service's server certificate. Nothing outside
 * Klarsyn trusts it, and it trusts nothing else.
 */
export class WorkspaceCa {
  private constructor(
    private readonly key: forge.pki.rsa.PrivateKey,
    private readonly certificate: forge.pki.Certificate,
    readonly caPem: string,
  ) {}

  /** Loads `ca.key` and `ca.crt` from `dir`, creating them on first use. */
  static async open(dir: string): Promise<WorkspaceCa> {
    const keyFile = join(dir, 'ca.key');
    const certFile = join(dir, 'ca.crt');
    try {
      const [keyPem, certPem] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
      return new WorkspaceCa(
        forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
        forge.pki.certificateFromPem(certPem),
        certPem,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = newKey();
    const cert = forge.pki.createCertificate();
    cert.publicKey = key.publicKey;
    cert.serialNumber = serialNumber();
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + CA_DAYS * 86_400_000);
    const subject = [{ name: 'commonName', value: 'Klarsyn workspace CA' }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(key.privateKey, forge.md.sha256.create());
    const certPem = forge.pki.certificateToPem(cert);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(keyFile, key.pem, { mode: 0o600, flag: 'wx' });
    await writeFile(certFile, certPem, { flag: 'wx' });
    return new WorkspaceCa(key.privateKey, cert, certPem);
  }

  /** A client certificate: CN the workspace, OU its project, for TLS client authentication only. */
  issueClient(workspaceId: string, projectId: string, notAfter: Date): WorkspaceIdentity {
    const expiresAt = new Date(Math.min(Date.now() + CLIENT_HOURS * 3_600_000, notAfter.getTime()));
    const issued = this.issue(
      [
        { name: 'commonName', value: workspaceId },
        { name: 'organizationalUnitName', value: projectId },
        { name: 'organizationName', value: 'Klarsyn workspace' },
      ],
      expiresAt,
      [
        { name: 'extKeyUsage', clientAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 6, value: `urn:klarsyn:workspace:${workspaceId}` }] },
      ],
    );
    return { ...issued, caPem: this.caPem, expiresAt };
  }

  /** The outbox service's certificate, for the names workspaces connect to. */
  issueServer(names: string[]): { certificatePem: string; privateKeyPem: string } {
    const ip = /^[0-9.]+$|:/;
    return this.issue(
      [{ name: 'commonName', value: names[0] ?? 'klarsyn-outbox' }],
      new Date(Date.now() + 30 * 86_400_000),
      [
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: names.map((n) => (ip.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
        },
      ],
    );
  }

  private issue(subject: forge.pki.CertificateField[], notAfter: Date, extensions: object[]) {
    const key = newKey();
    const cert = forge.pki.createCertificate();
    cert.publicKey = key.publicKey;
    cert.serialNumber = serialNumber();
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = notAfter;
    cert.setSubject(subject);
    cert.setIssuer(this.certificate.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      ...extensions,
    ]);
    cert.sign(this.key, forge.md.sha256.create());
    return {
      certificatePem: forge.pki.certificateToPem(cert),
      privateKeyPem: key.pem,
      serial: cert.serialNumber.toUpperCase(),
    };
  }
}
