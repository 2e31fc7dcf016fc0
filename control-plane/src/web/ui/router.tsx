import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A small history router: real URLs (the server answers every page URL with the application),
 * back/forward buttons, and links that stay ordinary anchors for keyboards and screen readers.
 */
const listeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  navigated = true;
  for (const l of listeners) l();
});

let navigated = false;

/** Whether the person has moved within the application since it loaded (then focus follows the page). */
export function hasNavigated(): boolean {
  return navigated;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  navigated = true;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

const current = (): Location => ({ path: location.pathname, query: new URLSearchParams(location.search) });

export function useLocation(): Location {
  const [here, setHere] = useState(current);
  useEffect(() => {
    const update = () => setHere(current());
    listeners.add(update);
    return () => listeners.delete(update);
  }, []);
  return here;
}

/** Matches "/projects/:id" against a path; returns the named parts, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  if (pattern === '/') return path === '/' ? {} : undefined;
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return undefined;
  }
  return params;
}

export function Link({ href, ...props }: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    props.onClick?.(event);
    // Let the browser handle new tabs, downloads and modified clicks.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(href);
  };
  return <a {...props} href={href} onClick={onClick} />;
}
