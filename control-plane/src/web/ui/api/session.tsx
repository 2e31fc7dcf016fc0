import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { login, logout, onSessionChange, refresh } from './client.js';
import type { Principal, Role } from './types.js';

export interface Session {
  /** Undefined while the refresh cookie is being tried on page load; null when nobody is signed in. */
  principal: Principal | null | undefined;
  login(username: string, password: string): Promise<Principal>;
  logout(): Promise<void>;
  has(role: Role): boolean;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);

  useEffect(() => {
    const stop = onSessionChange(setPrincipal);
    // A reload keeps the person signed in: the httpOnly refresh cookie survives, the token does not.
    refresh().catch(() => setPrincipal(null));
    return stop;
  }, []);

  const session: Session = {
    principal,
    login,
    logout,
    has: (role) => principal?.roles.includes(role) ?? false,
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
