import en from './en.json';

type Vars = Record<string, string | number>;

/**
 * The page's one source of strings: `t('home.sync.active', {count: 3})` reads `home.sync.active` from en.json and fills
 * `{count}`. A missing key shows the key itself, so it is noticed rather than rendered blank.
 */
export function t(key: string, vars: Vars = {}): string {
  const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], en);
  if (typeof value !== 'string') return key;
  return value.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

const percent = new Intl.NumberFormat('en', {style: 'percent', maximumFractionDigits: 1});
const decimal = new Intl.NumberFormat('en', {maximumFractionDigits: 2});
const integer = new Intl.NumberFormat('en');

export const formatPercent = (x: number) => percent.format(x);
export const formatNumber = (x: number) => decimal.format(x);
export const formatCount = (x: number) => integer.format(x);
export const formatMoney = (x: number, currency: string | null) =>
  currency ? new Intl.NumberFormat('en', {style: 'currency', currency}).format(x) : decimal.format(x);
export const formatDate = (iso: string) =>
  new Intl.DateTimeFormat('en', {dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC'}).format(new Date(iso));
