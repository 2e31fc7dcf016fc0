import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Config, OidcConfig } from '../config/schema.js';
import { KlarsynError } from '../errors.js';
import { type Principal, ROLES, type Role } from './principal.js';
import type { SigningKeyRing } from './signing-keys.js';

interface KlarsynClaims extends JWTPayload {
  username: string;
  roles: Role[];
  authorities: string[];
}

/** Verified tokens are remembered until they expire, so a busy client costs one signature check. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Short-lived EdDSA access tokens; the claims are the principal, so reads need no database. */
export class AccessTokens {
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly auth: Config['auth'],
  ) {}

  async issue(principal: Principal): Promise<{ token: string; expiresIn: number }> {
    const key = this.keys.current();
    const claims: Omit<KlarsynClaims, keyof JWTPayload> = {
      username: principal.username,
      roles: principal.roles,
      authorities: principal.authorities,
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setSubject(principal.accountId)
      .setIssuer(this.auth.issuer)
      .setAudience(this.auth.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.auth.accessTokenTtlSeconds}s`)
      .sign(key.privateKey);
    return { token, expiresIn: this.auth.accessTokenTtlSeconds };
  }

  async verify(token: string): Promise<Principal> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.principal;
    const { payload } = await verifyOrExplain(() =>
      jwtVerify<KlarsynClaims>(
        token,
        async (header) => {
          const key = await this.keys.find(header.kid);
          if (!key) throw new KlarsynError('unauthenticated', 'token signed by an unknown key');
          return key;
        },
        { issuer: this.auth.issuer, audience: this.auth.audience, algorithms: ['EdDSA'], typ: 'at+jwt' },
      ),
    );
    if (!payload.sub || !Array.isArray(payload.roles) || !payload.roles.every((r) => ROLES.includes(r))) {
      throw new KlarsynError('unauthenticated', 'token claims are malformed');
    }
    const principal: Principal = {
      accountId: payload.sub,
      username: String(payload.username),
      roles: payload.roles,
      authorities: Array.isArray(payload.authorities) ? payload.authorities.map(String) : [],
      via: 'password',
    };
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(token, { principal, expiresAt: (payload.exp ?? 0) * 1000 });
    return principal;
  }
}

export interface ExternalIdentity {
  issuer: string;
  subject: string;
  username: string;
  roles: Role[];
  authorities: string[];
}

/** Bearer tokens from an institution's identity provider: signature by its JWKS, audience, role mapping. */
export class ExternalIssuer {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly oidc: OidcConfig) {
    const jwksUrl = oidc.jwksUrl ?? `${oidc.issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
    this.jwks = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000 });
  }

  get issuer(): string {
    return this.oidc.issuer;
  }

  async verify(token: string): Promise<ExternalIdentity> {
    const { payload } = await verifyOrExplain(() =>
      jwtVerify(token, this.jwks, { issuer: this.oidc.issuer, audience: this.oidc.audience }),
    );
    if (!payload.sub) throw new KlarsynError('unauthenticated', 'external token has no subject');
    const claimed = payload[this.oidc.roleClaim];
    const names = Array.isArray(claimed) ? claimed.map(String) : typeof claimed === 'string' ? [claimed] : [];
    const roles = [
      ...new Set(names.map((n) => this.oidc.roleMap[n]).filter((r): r is Role => r !== undefined)),
    ];
    const authority = payload[this.oidc.authorityClaim];
    const authorities = roles.includes('steward') && typeof authority === 'string' ? [authority] : [];
    const username =
      typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub;
    return { issuer: this.oidc.issuer, subject: payload.sub, username, roles, authorities };
  }
}

/** Peeks at the unverified issuer claim only to route the token to the right verifier. */
export function unverifiedIssuer(token: string): string | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

async function verifyOrExplain<T>(verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (e) {
    if (e instanceof KlarsynError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw new KlarsynError('unauthenticated', 'token expired');
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      throw new KlarsynError('unauthenticated', `token rejected: ${e.claim} claim check failed`);
    }
    if (e instanceof joseErrors.JOSEError) throw new KlarsynError('unauthenticated', 'token invalid');
    throw new KlarsynError('unavailable', 'token verification failed', { cause: e });
  }
}
