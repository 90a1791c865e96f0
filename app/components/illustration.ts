/** A plain illustration for empty states, inline so the page needs nothing from outside the app. */
export const EMPTY_ILLUSTRATION =
  'data:image/svg+xml;utf8,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160"><rect width="226" height="160" rx="16" fill="#f1f1f1"/><rect x="28" y="46" width="72" height="72" rx="10" fill="#c9e7dd"/><rect x="126" y="46" width="72" height="72" rx="10" fill="#d5e3fc"/><path d="M104 82h18" stroke="#616161" stroke-width="5" stroke-linecap="round"/><path d="M113 73v18" stroke="#616161" stroke-width="5" stroke-linecap="round"/></svg>',
  );
