import {useEffect, useState} from 'react';

/** The admin's pages; App Bridge's nav menu links to these paths inside the app's iframe. */
export const PATHS = ['/', '/recommendations', '/bundles', '/insights', '/analytics', '/settings', '/data-requests'] as const;
export type AppPath = (typeof PATHS)[number];

const current = (): AppPath => {
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  return (PATHS as readonly string[]).includes(path) ? (path as AppPath) : '/';
};

/** Moves to another page of the app without reloading it (query string kept for deep links like ?product=). */
export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/**
 * The current page, following history changes. Same-origin link clicks become history pushes, which is what
 * App Bridge's nav menu does in the admin; outside the admin (tests, local dev) this keeps links working too.
 */
export function useAppPath(): AppPath {
  const [path, setPath] = useState<AppPath>(current);
  useEffect(() => {
    const onPop = () => setPath(current());
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      const link = (event.target as Element | null)?.closest?.('a');
      if (!link || link.target === '_blank' || link.origin !== window.location.origin) return;
      if (!(PATHS as readonly string[]).includes(link.pathname.replace(/\/+$/, '') || '/')) return;
      event.preventDefault();
      navigate(link.pathname + link.search);
    };
    window.addEventListener('popstate', onPop);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('popstate', onPop);
      document.removeEventListener('click', onClick);
    };
  }, []);
  return path;
}

/** A query parameter of the current URL. */
export function queryParam(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}
