import type {ExtensionSettings} from '@shopify/ui-extensions/checkout';

/**
 * The merchant's settings from the checkout and accounts editor (the toml's [extensions.settings]); a setting
 * never saved is undefined, and a surface is on until the merchant turns it off.
 * https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/settings-api
 */
export type SurfaceSetting = 'show_in_checkout' | 'show_on_thank_you' | 'show_on_order_status';

export function surfaceEnabled(settings: ExtensionSettings, key: SurfaceSetting): boolean {
  return settings[key] !== false;
}

export function settingText(settings: ExtensionSettings, key: 'heading'): string | null {
  const value = settings[key];
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** How many products "Complete the set" shows: 1 to 4, 3 when unset. */
export function offerCount(settings: ExtensionSettings): number {
  const n = Number(settings.offers);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 4) : 3;
}
