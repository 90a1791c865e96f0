/**
 * The stand-in's web pixel records: what Pairwise calls on install to activate extensions/pairwise-pixel, in the
 * GraphQL Admin API 2026-10 shapes.
 * - webPixelCreate(webPixel: WebPixelInput!) and webPixelUpdate(id: ID!, webPixel: WebPixelInput!), each answering
 *   {webPixel {id settings}, userErrors {code field message}}; the settings (JSON) are validated against the
 *   extension's `[settings]` definition in shopify.extension.toml and refused with INVALID_SETTINGS when they do
 *   not match, INVALID_CONFIGURATION_JSON when they are not JSON; a second create is TAKEN (one pixel per app and
 *   shop); an unknown id NOT_FOUND:
 *   https://shopify.dev/docs/api/admin-graphql/latest/mutations/webPixelCreate ,
 *   https://shopify.dev/docs/api/admin-graphql/latest/mutations/webPixelUpdate ,
 *   https://shopify.dev/docs/api/admin-graphql/latest/enums/ErrorsWebPixelUserErrorCode
 * - webPixel(id: ID): the app's pixel on the shop (https://shopify.dev/docs/api/admin-graphql/latest/objects/WebPixel).
 * Writing needs `write_pixels`; reading `read_pixels`, which write implies.
 */
import {readFileSync} from 'node:fs';
import {parse as parseToml} from 'smol-toml';
import type {RequestContext, SchemaExtension} from './resolvers';
import {gid, parseGid, requireScope} from './resolvers';
import {newId} from './state';

export const WEB_PIXELS_SDL = /* GraphQL */ `
enum ErrorsWebPixelUserErrorCode {
  BLANK INVALID_CONFIGURATION_JSON INVALID_RUNTIME_CONTEXT INVALID_SETTINGS INVALID_SETTINGS_DEFINITION NO_EXTENSION
  NOT_FOUND TAKEN UNEXPECTED_ERROR UNABLE_TO_DELETE
}
type WebPixel { id: ID! settings: JSON! }
input WebPixelInput { settings: JSON }
type ErrorsWebPixelUserError { code: ErrorsWebPixelUserErrorCode field: [String!] message: String! }
type WebPixelCreatePayload { webPixel: WebPixel userErrors: [ErrorsWebPixelUserError!]! }
type WebPixelUpdatePayload { webPixel: WebPixel userErrors: [ErrorsWebPixelUserError!]! }
extend type QueryRoot { webPixel(id: ID): WebPixel }
extend type Mutation {
  webPixelCreate(webPixel: WebPixelInput!): WebPixelCreatePayload
  webPixelUpdate(id: ID!, webPixel: WebPixelInput!): WebPixelUpdatePayload
}
`;

interface FieldDefinition {
  type: string;
  validations?: {name: string; value: string}[];
}

/** The `[settings.fields]` of the app's web pixel extension, as `shopify app deploy` would register them. */
const FIELDS = (
  parseToml(readFileSync(new URL('../../extensions/pairwise-pixel/shopify.extension.toml', import.meta.url), 'utf8')) as unknown as {settings: {fields: Record<string, FieldDefinition>}}
).settings.fields;

type UserError = {code: string; field: string[]; message: string};

/** The settings as an object of the defined fields, or the user errors Shopify answers instead. */
function validSettings(raw: unknown): {settings: Record<string, string>} | {userErrors: UserError[]} {
  const field = ['webPixel', 'settings'];
  if (raw === undefined || raw === null || raw === '') return {userErrors: [{code: 'BLANK', field, message: "Settings can't be blank"}]};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return {userErrors: [{code: 'INVALID_CONFIGURATION_JSON', field, message: 'Settings is not valid JSON'}]};
    }
  }
  const invalid = (message: string) => ({userErrors: [{code: 'INVALID_SETTINGS', field, message}]});
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('Settings must be an object');
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, v] of entries) {
    const definition = FIELDS[key];
    if (!definition) return invalid(`Unknown setting ${key}`);
    if (typeof v !== 'string' || (definition.type === 'single_line_text_field' && /[\r\n]/.test(v))) return invalid(`${key} must be a ${definition.type}`);
    const min = definition.validations?.find((r) => r.name === 'min');
    if (min && v.length < Number(min.value)) return invalid(`${key} is shorter than ${min.value}`);
  }
  const missing = Object.keys(FIELDS).find((key) => !entries.some(([k]) => k === key));
  if (missing) return invalid(`${missing} is required`);
  return {settings: Object.fromEntries(entries) as Record<string, string>};
}

const view = (pixel: {id: number; settings: Record<string, string>}) => ({id: gid('WebPixel', pixel.id), settings: JSON.stringify(pixel.settings)});

export const webPixelsExtension: SchemaExtension = {sdl: WEB_PIXELS_SDL, resolvers: {
  QueryRoot: {
    webPixel: (_s, args, ctx: RequestContext) => {
      requireScope(ctx, 'read_pixels', 'webPixel');
      const pixel = ctx.shop.webPixel;
      if (!pixel || (args.id !== undefined && args.id !== null && parseGid(args.id)?.id !== pixel.id)) return null;
      return view(pixel);
    },
  },
  Mutation: {
    webPixelCreate: (_s, args, ctx: RequestContext) => {
      requireScope(ctx, 'write_pixels', 'webPixelCreate');
      if (ctx.shop.webPixel) return {webPixel: null, userErrors: [{code: 'TAKEN', field: ['webPixel'], message: 'Web pixel is taken.'}]};
      const valid = validSettings((args.webPixel as {settings?: unknown}).settings);
      if ('userErrors' in valid) return {webPixel: null, userErrors: valid.userErrors};
      ctx.shop.webPixel = {id: newId(), settings: valid.settings};
      return {webPixel: view(ctx.shop.webPixel), userErrors: []};
    },
    webPixelUpdate: (_s, args, ctx: RequestContext) => {
      requireScope(ctx, 'write_pixels', 'webPixelUpdate');
      const pixel = ctx.shop.webPixel;
      if (!pixel || parseGid(args.id)?.type !== 'WebPixel' || parseGid(args.id)?.id !== pixel.id) {
        return {webPixel: null, userErrors: [{code: 'NOT_FOUND', field: ['id'], message: 'Web pixel not found.'}]};
      }
      const valid = validSettings((args.webPixel as {settings?: unknown}).settings);
      if ('userErrors' in valid) return {webPixel: null, userErrors: valid.userErrors};
      pixel.settings = valid.settings;
      return {webPixel: view(pixel), userErrors: []};
    },
  },
}};
