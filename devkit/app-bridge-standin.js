// Stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js in browser tests, where there is no Shopify
// admin around the page. Browser tests serve this file in place of the CDN script (playwright route
// interception). It provides what the admin page uses of App Bridge v4:
//   shopify.idToken()   -> the session token the test put in window.__appBridgeStandin.token
//   shopify.toast.show  -> recorded in window.__appBridgeStandin.toasts and shown in a role="status" element
//   <ui-nav-menu>       -> its links shown as a bar at the top (the admin shows them in its sidebar)
(function () {
  var state = (window.__appBridgeStandin = window.__appBridgeStandin || {});
  state.toasts = [];
  state.tokenRequests = 0;
  var meta = document.querySelector('meta[name="shopify-api-key"]');

  window.shopify = {
    config: {apiKey: meta ? meta.content : '', shop: state.shop || ''},
    idToken: function () {
      state.tokenRequests += 1;
      return state.token ? Promise.resolve(state.token) : Promise.reject(new Error('no token in the stand-in'));
    },
    toast: {
      show: function (message) {
        state.toasts.push(message);
        var el = document.getElementById('standin-toast');
        if (!el) {
          el = document.createElement('div');
          el.id = 'standin-toast';
          el.setAttribute('role', 'status');
          el.style.cssText = 'position:fixed;bottom:16px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:8px 16px;border-radius:8px;font:14px sans-serif;z-index:1000';
          document.body.appendChild(el);
        }
        el.textContent = message;
        el.hidden = false;
        clearTimeout(state.toastTimer);
        state.toastTimer = setTimeout(function () {
          el.hidden = true;
        }, 2500);
        return 'toast-' + state.toasts.length;
      },
      hide: function () {},
    },
  };

  customElements.define(
    'ui-nav-menu',
    class extends HTMLElement {
      connectedCallback() {
        this.setAttribute('role', 'navigation');
        this.style.cssText = 'display:flex;gap:16px;padding:8px 16px;background:#1a1a1a;font:14px sans-serif';
        for (var link of this.querySelectorAll('a')) link.style.color = '#fff';
      }
    },
  );
})();
