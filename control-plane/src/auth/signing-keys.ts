import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

interface StoredKey {
  kid: string;
  createdAt: string;
  privateJwk: JWK;
}

interface LoadedKey {
  kid: string;
  createdAt: number;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The token signing keys: one JWK file per key in a directory (a Kubernetes Secret in production).
 * The newest key signs; older keys stay in the JWKS until every token they signed has expired.
 */
export class SigningKeyRing {
  private keys: LoadedKey[] = [];
  private lastReload = 0;

  private constructor(
    private readonly dir: string,
    private readonly tokenTtlSeconds: number,
  ) {}

  static async open(dir: string, tokenTtlSeconds: number): Promise<SigningKeyRing> {
    const ring = new SigningKeyRing(dir, tokenTtlSeconds);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await ring.reload();
    if (ring.keys.length === 0) await ring.rotate();
    return ring;
  }

  /** Adds a new signing key; tokens signed by the previous one keep verifying until they expire. */
  async rotate(): Promise<string> {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const stored: StoredKey = {
      kid: randomUUID(),
      createdAt: new Date().toISOString(),
      privateJwk: await exportJWK(privateKey),
    };
    writeFileSync(join(this.dir, `${Date.now()}-${stored.kid}.json`), JSON.stringify(stored), {
      mode: 0o600,
    });
    await this.reload();
    return stored.kid;
  }

  async reload(): Promise<void> {
    const files = readdirSync(this.dir).filter((f) => f.endsWith('.json'));
    const loaded = await Promise.all(
      files.map((f) => load(JSON.parse(readFileSync(join(this.dir, f), 'utf8')))),
    );
    this.keys = loaded.sort((a, b) => b.createdAt - a.createdAt);
    this.lastReload = Date.now();
  }

  /** The signing key; re-reads the directory each minute so a rotation by another process takes effect. */
  current(): LoadedKey {
    if (Date.now() - this.lastReload > 60_000) {
      this.lastReload = Date.now();
      void this.reload().catch(() => undefined);
    }
    const key = this.keys[0];
    if (!key) throw new Error('no token signing key');
    return key;
  }

  /** Finds a verifying key; an unknown kid triggers at most one reload per second (another replica rotated). */
  async find(kid: string | undefined): Promise<CryptoKey | undefined> {
    let key = this.published().find((k) => k.kid === kid);
    if (!key && Date.now() - this.lastReload > 1000) {
      await this.reload();
      key = this.published().find((k) => k.kid === kid);
    }
    return key ? publicKeyOf(key) : undefined;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.published().map((k) => k.publicJwk) };
  }

  /** A key is retired once its successor has been signing for longer than a token lives. */
  private published(): LoadedKey[] {
    const now = Date.now();
    return this.keys.filter((_key, i) => {
      const successor = this.keys[i - 1];
      return !successor || now - successor.createdAt < (this.tokenTtlSeconds + 60) * 1000;
    });
  }
}

const publicKeys = new WeakMap<LoadedKey, Promise<CryptoKey>>();

function publicKeyOf(key: LoadedKey): Promise<CryptoKey> {
  let found = publicKeys.get(key);
  if (!found) {
    found = importJWK(key.publicJwk, 'EdDSA') as Promise<CryptoKey>;
    publicKeys.set(key, found);
  }
  return found;
}

async function load(stored: StoredKey): Promise<LoadedKey> {
  const { d: _private, ...publicPart } = stored.privateJwk;
  return {
    kid: stored.kid,
    createdAt: Date.parse(stored.createdAt),
    privateKey: (await importJWK(stored.privateJwk, 'EdDSA')) as CryptoKey,
    publicJwk: { ...publicPart, kid: stored.kid, alg: 'EdDSA', use: 'sig' },
  };
}
