import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { hasNavigated } from '../router.js';

/**
 * Every page: its title in the tab and as the one h1. After an in-app navigation focus moves to
 * the heading, so screen readers announce the new page and keyboard users start at its top.
 */
export function Page({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: string;
  children?: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Layout effect: focus moves in the same task that shows the page, never a frame later.
  useLayoutEffect(() => {
    document.title = `${title} · Klarsyn`;
    if (hasNavigated()) heading.current?.focus();
  }, [title]);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {intro && <p class="intro">{intro}</p>}
      {children}
    </>
  );
}
