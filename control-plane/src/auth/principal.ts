import type { Role } from '../config/schema.js';

export type { Role };
export const ROLES: readonly Role[] = ['researcher', 'steward', 'reviewer', 'admin'];

/** Who is calling, however they proved it; domains decide with this alone. */
export interface Principal {
  accountId: string;
  username: string;
  roles: Role[];
  /** Data authorities this principal stewards (SDS, DST, a region); empty unless steward. */
  authorities: string[];
  via: 'password' | 'api_token' | 'oidc';
}

/** Who may call a route: everyone, any logged-in account, or the listed roles. */
export type Access = 'public' | 'authenticated' | readonly Role[];

export function isAllowed(access: Access | undefined, principal: Principal | undefined): boolean {
  if (access === 'public') return true;
  if (!principal || access === undefined) return false;
  if (access === 'authenticated') return true;
  return access.some((role) => principal.roles.includes(role));
}

export interface RoleGrant {
  role: Role;
  authority?: string;
}

export function grantsOf(principal: Pick<Principal, 'roles' | 'authorities'>): RoleGrant[] {
  return principal.roles.flatMap((role): RoleGrant[] =>
    role === 'steward' ? principal.authorities.map((authority) => ({ role, authority })) : [{ role }],
  );
}
