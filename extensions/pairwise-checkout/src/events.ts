import {APP_URL} from './app-url';

/** Where an event happened: the extension's surfaces are blocks of their own in Analytics, beside `fbt` and `cart`. */
export type Surface = 'checkout' | 'thank_you' | 'order_status';

export interface FunnelEvent {
  type: 'rendered' | 'clicked' | 'added';
  /** The product offered (decimal id). */
  product: string;
  /** The cart product the offer is for (the first line's), as the `_pairwise` line attribute names it. */
  anchor: string | null;
}

/**
 * Sends events to the app's `/extension/events` with the extension's session token, the documented way for a
 * UI extension to reach its app's server (`network_access` in the toml). Analytics needs the app's own
 * database, which `analytics.publish` does not reach (it feeds web pixels). A failure is dropped: measuring
 * must never break a checkout. https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/session-token-api
 */
export async function sendEvents(sessionToken: {get(): Promise<string>}, block: Surface, events: FunnelEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    const token = await sessionToken.get();
    await fetch(`${APP_URL}/extension/events`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${token}`, 'Content-Type': 'application/json'},
      body: JSON.stringify({events: events.slice(0, 10).map((e) => ({...e, block}))}),
    });
  } catch {
    // Offline, blocked or refused: the offer works without its measurement.
  }
}
