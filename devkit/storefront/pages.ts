/** HTML of the preview store's "theme": a small Dawn-like layout around the rendered extension blocks. */
import type {Catalog, StoreProduct} from './catalog';
import {formatMoney} from './liquid';
import type {StorefrontLocale} from './liquid';
import type {Cart} from './cart';

export const esc = (s: unknown) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface PageContext {
  shop: string;
  locale: StorefrontLocale;
  root: string;
  currency: string;
  moneyFormat: string;
  cart: Cart;
  catalog: Catalog;
  drawer: boolean;
  /** What Shopify's content_for_header adds in the head (the Customer Privacy loader, the pixel sandbox). */
  headScripts?: string;
  /** Whether the store checks out (the cart's "Check out", the product page's "Buy it now"). */
  checkout?: boolean;
}

const money = (ctx: PageContext, cents: number) => esc(formatMoney(cents, ctx.moneyFormat));

/** Wraps a section's HTML the way Shopify's Section Rendering API returns it. */
export const section = (id: string, html: string) => `<div id="shopify-section-${id}" class="shopify-section">${html}</div>`;

export function bubbleSection(ctx: PageContext): string {
  const count = ctx.cart.ajax(ctx.currency).item_count;
  return `<a href="${ctx.root}cart" class="cart-link">Cart <span class="cart-count" data-cart-count>${count}</span><span class="visually-hidden"> items</span></a>`;
}

export function cartSection(ctx: PageContext): string {
  const cart = ctx.cart.ajax(ctx.currency);
  if (!cart.items.length) return '<p class="cart-empty">Your cart is empty</p>';
  const rows = cart.items
    .map(
      (item, i) => `<li class="cart-line" data-line-product="${item.product_id}">
        <a href="${ctx.root}products/${esc(item.handle)}">${esc(item.title)}</a>
        <span class="cart-line__qty">× ${item.quantity}</span>
        <span class="cart-line__price">${money(ctx, item.line_price)}</span>
        ${Object.entries(item.properties).map(([k, v]) => `<span class="cart-line__prop" data-prop="${esc(k)}">${esc(v)}</span>`).join('')}
        <a href="${ctx.root}cart/change?line=${i + 1}&amp;quantity=0">Remove<span class="visually-hidden"> ${esc(item.title)}</span></a>
      </li>`,
    )
    .join('');
  return `<ul class="cart-lines" role="list">${rows}</ul><p class="cart-total">Total: <strong data-cart-total>${money(ctx, cart.total_price)}</strong></p>`;
}

export function drawerSection(ctx: PageContext): string {
  return `<div class="drawer__inner"><h2 class="drawer__heading">Your cart</h2>${cartSection(ctx)}<div class="drawer__footer"><a href="${ctx.root}cart">View cart</a></div></div>`;
}

export function productMain(ctx: PageContext, product: StoreProduct, block: string): string {
  const p = ctx.catalog.liquidProduct(product);
  const variant = p.selected_or_first_available_variant;
  const image = p.featured_image
    ? `<img src="${esc(p.featured_image.src)}?width=600" alt="${esc(p.title)}" width="600" height="600">`
    : '';
  const buy = variant.available
    ? `<form action="${ctx.root}cart/add" method="post"><input type="hidden" name="id" value="${variant.id}"><button type="submit" class="button">Add to cart</button></form>${buyNow(ctx, variant.id)}`
    : '<p>Sold out</p>';
  return `<div class="product">${image}<div><h1>${esc(p.title)}</h1><p class="price">${money(ctx, variant.price)}</p>${buy}</div></div>
    <div class="app-block">${block}</div>`;
}

/** "Buy it now": straight to checkout with this variant, skipping the cart (a dynamic checkout button). */
const buyNow = (ctx: PageContext, variantId: number) =>
  ctx.checkout ? `<form action="${ctx.root}checkouts/buy-now" method="post"><input type="hidden" name="id" value="${variantId}"><button type="submit" class="button" data-buy-now>Buy it now</button></form>` : '';

export function cartMain(ctx: PageContext, block: string): string {
  const checkout = ctx.checkout && ctx.cart.lines.length ? `<form action="${ctx.root}cart" method="post"><button type="submit" name="checkout" class="button">Check out</button></form>` : '';
  return `<h1>Your cart</h1><cart-items>${section('main-cart', cartSection(ctx))}</cart-items>${checkout}<div class="app-block">${block}</div>`;
}

const themeCss = `
:root { --color-foreground: 18, 18, 18; --color-button: 18, 18, 18; --color-button-text: 255, 255, 255; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: rgb(var(--color-foreground)); background: #fff; }
header { display: flex; justify-content: space-between; padding: 1rem 2rem; border-bottom: 1px solid #ddd; }
header a { color: inherit; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem 2rem; }
.product { display: grid; grid-template-columns: minmax(0, 20rem) 1fr; gap: 2rem; }
.product img { width: 100%; height: auto; }
.button { padding: .5rem 1.5rem; background: rgb(var(--color-button)); color: rgb(var(--color-button-text)); border: 0; font: inherit; }
a:focus-visible, button:focus-visible { outline: .2rem solid currentColor; outline-offset: .2rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.cart-lines { list-style: none; padding: 0; }
.cart-line { display: flex; gap: 1rem; padding: .5rem 0; border-bottom: 1px solid #eee; }
.cart-line__prop { color: #555; font-size: .875em; }
cart-drawer { display: block; border-top: 1px solid #ddd; padding: 0 2rem; }
cart-drawer:not(.active) #CartDrawer { display: none; }
`;

/** A whole storefront page: header with the cart bubble, main content, app embeds and the blocks' assets. */
export function layout(ctx: PageContext, opts: {title: string; main: string; stylesheets: string[]; embed?: string}): string {
  const shopify = {shop: ctx.shop, locale: ctx.locale, currency: {active: ctx.currency}, routes: {root: ctx.root}};
  const drawer = ctx.drawer
    ? `<cart-drawer><div id="CartDrawer" class="cart-drawer">${drawerSection(ctx)}</div></cart-drawer>`
    : '';
  return `<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)} – ${esc(ctx.shop)}</title>
<style>${themeCss}</style>
${[...new Set(opts.stylesheets)].map((s) => `<link rel="stylesheet" href="/assets/${esc(s)}">`).join('\n')}
<script>window.Shopify = ${JSON.stringify(shopify).replace(/</g, '\\u003c')};</script>
${ctx.headScripts ?? ''}
<script src="/theme/theme.js" defer></script>
</head>
<body>
<header><a href="${ctx.root}">${esc(ctx.shop)}</a><nav aria-label="Cart"><div id="cart-icon-bubble">${bubbleSection(ctx)}</div></nav></header>
<main id="MainContent">${opts.main}</main>
${drawer}
${opts.embed ?? ''}
</body>
</html>`;
}

/** A placeholder product image: a coloured square with the title, so screenshots tell products apart. */
export function placeholderSvg(title: string): string {
  let hash = 0;
  for (const ch of title) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800"><rect width="800" height="800" fill="hsl(${hue} 45% 82%)"/><text x="400" y="420" font-family="sans-serif" font-size="64" text-anchor="middle" fill="#222">${esc(title.slice(0, 18))}</text></svg>`;
}
