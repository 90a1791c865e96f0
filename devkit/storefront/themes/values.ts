/**
 * The typed values Shopify gives a theme's settings in Liquid: colours, fonts, colour schemes and the colour
 * palette, built from the raw JSON of `config/settings_data.json` as its `config/settings_schema.json` types it.
 * Colour: https://shopify.dev/docs/api/liquid/objects/color, font: https://shopify.dev/docs/api/liquid/objects/font,
 * colour scheme: https://shopify.dev/docs/api/liquid/objects/color_scheme.
 */
import {Drop} from 'liquidjs';

/** A colour setting: prints as the merchant's value, exposes channels as `color` does in Liquid. */
export class ColorValue extends Drop {
  constructor(
    readonly red: number,
    readonly green: number,
    readonly blue: number,
    readonly alpha: number,
    private readonly text: string,
  ) {
    super();
  }

  static parse(input: unknown): ColorValue | null {
    if (input instanceof ColorValue) return input;
    const s = String(input ?? '').trim();
    if (!s) return null;
    let m = /^#?([0-9a-f]{3,8})$/i.exec(s);
    if (m) {
      let hex = m[1];
      if (hex.length <= 4) hex = [...hex].map((c) => c + c).join('');
      const n = (i: number) => parseInt(hex.slice(i, i + 2), 16);
      const alpha = hex.length === 8 ? Math.round((n(6) / 255) * 100) / 100 : 1;
      return new ColorValue(n(0), n(2), n(4), alpha, s.startsWith('#') ? s : `#${s}`);
    }
    m = /^rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/i.exec(s);
    if (m) {
      const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : Number(m[4]);
      return new ColorValue(Number(m[1]), Number(m[2]), Number(m[3]), a, s);
    }
    if (s === 'transparent') return new ColorValue(0, 0, 0, 0, 'rgba(0,0,0,0)');
    return null;
  }

  static of(r: number, g: number, b: number, a = 1): ColorValue {
    const c = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
    const hex = `#${[r, g, b].map((v) => c(v).toString(16).padStart(2, '0')).join('')}`;
    return new ColorValue(c(r), c(g), c(b), a, a === 1 ? hex : `rgba(${c(r)}, ${c(g)}, ${c(b)}, ${a})`);
  }

  get rgb() {
    return `${this.red} ${this.green} ${this.blue}`;
  }
  get rgba() {
    return `${this.red} ${this.green} ${this.blue} / ${this.alpha}`;
  }
  get hsl() {
    return this.toHsl();
  }
  get hue() {
    return Math.round(this.toHsl().h);
  }
  get saturation() {
    return Math.round(this.toHsl().s);
  }
  get lightness() {
    return Math.round(this.toHsl().l);
  }

  toHsl() {
    const [r, g, b] = [this.red / 255, this.green / 255, this.blue / 255];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const l = (max + min) / 2;
    let h = 0;
    let s = 0;
    if (max !== min) {
      const d = max - min;
      s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
      h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
      h *= 60;
    }
    return {h, s: s * 100, l: l * 100};
  }

  static fromHsl(h: number, s: number, l: number, a = 1): ColorValue {
    s /= 100;
    l /= 100;
    const k = (n: number) => (n + h / 30) % 12;
    const f = (n: number) => l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
    return ColorValue.of(f(0) * 255, f(8) * 255, f(4) * 255, a);
  }

  /** Perceived brightness 0..255, as `color_brightness` computes it (W3C formula). */
  brightness(): number {
    return (this.red * 299 + this.green * 587 + this.blue * 114) / 1000;
  }

  override toString() {
    return this.text;
  }
  override valueOf() {
    return this.text;
  }
}

/** A font_picker setting (`inter_n4`): family from the handle, weight and style from its suffix. */
export class FontValue extends Drop {
  readonly family: string;
  readonly weight: number;
  readonly style: string;
  readonly fallback_families = 'sans-serif';
  readonly system: boolean;
  readonly variants: FontValue[] = [];

  constructor(readonly handle: string) {
    super();
    const m = /^(.*)_([nio])(\d)$/.exec(handle);
    const base = m ? m[1] : handle;
    this.system = base === 'sans-serif' || base === 'serif' || base === 'monospace';
    this.family = this.system ? base : base.split('_').map((w) => w[0]?.toUpperCase() + w.slice(1)).join(' ');
    this.weight = m ? Number(m[3]) * 100 : 400;
    this.style = m?.[2] === 'i' ? 'italic' : m?.[2] === 'o' ? 'oblique' : 'normal';
  }

  /** `font_modify`: the same family at another weight or style. */
  modify(attribute: string, value: string): FontValue | null {
    const letter = this.style === 'italic' ? 'i' : this.style === 'oblique' ? 'o' : 'n';
    const base = this.handle.replace(/_[nio]\d$/, '');
    if (attribute === 'weight') {
      const w = value === 'bold' ? 700 : value === 'normal' ? 400 : value.startsWith('+') || value.startsWith('-') ? this.weight + Number(value) : Number(value);
      if (!(w >= 100 && w <= 900)) return null;
      return new FontValue(`${base}_${letter}${Math.round(w / 100)}`);
    }
    if (attribute === 'style') return new FontValue(`${base}_${value === 'italic' ? 'i' : value === 'oblique' ? 'o' : 'n'}${this.weight / 100}`);
    return null;
  }

  override toString() {
    return this.family;
  }
}
