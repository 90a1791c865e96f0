/**
 * The strict sandbox's side of the preview's web pixel manager (pixel-sandbox.js): a module Web Worker that
 * defines the `shopify.extend` the real @shopify/web-pixels-extension `register` calls (its build:
 * `register = (extend) => shopify.extend('WebPixel::Render', extend)`), imports the app's pixel, and hands its
 * callback the standard API: https://shopify.dev/docs/api/web-pixels-api/standard-api
 */
let render;
self.shopify = {extend: (point, callback) => void (point === 'WebPixel::Render' && (render = callback))};

const subscribers = new Map();
const consentSubscribers = [];
const calls = new Map();
let nextCall = 0;
const top = (api, method, args) =>
  new Promise((resolve, reject) => {
    const id = ++nextCall;
    calls.set(id, {resolve, reject});
    postMessage({type: 'browser', id, api, method, args});
  });
const storage = (api) => ({
  getItem: (key) => top(api, 'getItem', [key]),
  setItem: (key, value) => top(api, 'setItem', [key, value]),
  removeItem: (key) => top(api, 'removeItem', [key]),
  key: (index) => top(api, 'key', [index]),
  clear: () => top(api, 'clear', []),
  length: () => top(api, 'length', []),
});

onmessage = async ({data}) => {
  if (data.type === 'start') {
    await import(data.module);
    render({
      analytics: {
        subscribe(name, callback) {
          if (!subscribers.has(name)) subscribers.set(name, []);
          subscribers.get(name).push(callback);
        },
      },
      browser: {cookie: {get: (name) => top('cookie', 'get', [name]), set: (...args) => top('cookie', 'set', args)}, localStorage: storage('localStorage'), sessionStorage: storage('sessionStorage')},
      init: data.init,
      settings: data.settings,
      customerPrivacy: {
        subscribe(name, callback) {
          if (name === 'visitorConsentCollected') consentSubscribers.push(callback);
          return Promise.resolve();
        },
      },
    });
    postMessage({type: 'ready'});
  } else if (data.type === 'event') {
    // https://shopify.dev/docs/api/web-pixels-api/standard-api/analytics: by name, all_events, and all_standard_events
    // or all_custom_events by the event's type.
    const group = data.event.type === 'custom' ? 'all_custom_events' : 'all_standard_events';
    for (const callback of [...(subscribers.get(data.event.name) || []), ...(subscribers.get('all_events') || []), ...(subscribers.get(group) || [])]) callback(data.event);
  } else if (data.type === 'consent') {
    consentSubscribers.forEach((callback) => callback({customerPrivacy: data.customerPrivacy}));
  } else if (data.type === 'browser-result') {
    const call = calls.get(data.id);
    calls.delete(data.id);
    if (data.error) call.reject(new Error(data.error));
    else call.resolve(data.result);
  }
};
