/**
 * The Pairwise server the extension reports its funnel events to: the app's `application_url` in
 * shopify.app.toml (a test holds the two equal). Set both to your app's URL before `shopify app deploy`.
 */
export const APP_URL = 'https://pairwise.example.com';
