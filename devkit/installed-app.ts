import {randomBytes} from 'node:crypto';
import {offlineSession} from '../server/auth/offline-session';
import type {ShopDomain} from '../storage/shop-domain';
import {sessionToken} from './session-token';
import {ShopifyStandin} from './shopify-standin';
import type {ShopSeed, ShopState, StandinOptions} from './shopify-standin';
import {startTestApp} from './test-app';
import type {TestApp, TestAppOptions} from './test-app';

/** The real app talking to the Shopify stand-in, both made with the same api key and secret (`app.apiKey`, `app.secret`). */
export interface InstalledApp {
  standin: ShopifyStandin;
  app: TestApp;
  /**
   * Adds a shop (its catalogue and orders) to the stand-in and installs the app on it: the offline session comes
   * from token exchange of a session token, as on the app's first load in the admin. It does not run the app's
   * `onInstalled` (no backfill starts): each test starts what it tests. Answers the stand-in's state of the shop,
   * for tests that read what the app wrote there beyond the stand-in's own views.
   */
  install(shop: ShopDomain, seed?: ShopSeed): Promise<ShopState>;
  close(): Promise<void>;
}

export interface InstalledAppOptions {
  /** The stand-in's options beyond the app's credentials (e.g. `bulkStepDelayMs`). */
  standin?: Omit<StandinOptions, 'apiKey' | 'apiSecret'>;
  /** The test app's options beyond the stand-in's origin and the credentials. */
  app?: Omit<TestAppOptions, 'adminOrigin' | 'apiKey' | 'secret'>;
  /** Default: random, so that no two test files share an app. */
  apiKey?: string;
  secret?: string;
}

/** Starts the stand-in and the test app pointed at it; shops come with `install`. */
export async function startInstalledApp(options: InstalledAppOptions = {}): Promise<InstalledApp> {
  const apiKey = options.apiKey ?? `key-${randomBytes(4).toString('hex')}`;
  const secret = options.secret ?? randomBytes(16).toString('hex');
  const standin = await ShopifyStandin.start({...options.standin, apiKey, apiSecret: secret});
  let app: TestApp;
  try {
    app = await startTestApp({...options.app, adminOrigin: standin.origin, apiKey, secret});
  } catch (err) {
    await standin.close();
    throw err;
  }
  return {
    standin,
    app,
    async install(shop, seed) {
      const state = standin.addShop(shop, seed);
      await offlineSession(app.services, shop, await sessionToken({shop, apiKey, secret}));
      return state;
    },
    async close() {
      await app.close();
      await standin.close();
    },
  };
}
