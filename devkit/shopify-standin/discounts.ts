/**
 * The stand-in's automatic app discounts: the mutations and queries Pairwise's bundle discount calls, in the
 * GraphQL Admin API 2026-10 shapes.
 * - discountAutomaticAppCreate / discountAutomaticAppUpdate (DiscountAutomaticAppInput: title, functionHandle,
 *   discountClasses, combinesWith, startsAt, endsAt, metafields):
 *   https://shopify.dev/docs/api/admin-graphql/latest/mutations/discountAutomaticAppCreate
 *   https://shopify.dev/docs/api/admin-graphql/latest/input-objects/DiscountAutomaticAppInput
 * - discountAutomaticActivate / discountAutomaticDeactivate / discountAutomaticDelete, automaticDiscountNode.
 * - DiscountAutomaticApp.status is ACTIVE, SCHEDULED (startsAt ahead) or EXPIRED (endsAt passed, which is what
 *   deactivating does): https://shopify.dev/docs/api/admin-graphql/2026-07/enums/DiscountStatus
 * All need `write_discounts` (reading: `read_discounts`, which write implies).
 */
import type {RequestContext, SchemaExtension} from './resolvers';
import {gid, parseGid, requireScope, resolveNamespace} from './resolvers';
import {newId} from './state';
import type {AppDiscountRecord} from './state';

export const DISCOUNTS_SDL = /* GraphQL */ `
enum DiscountStatus { ACTIVE EXPIRED SCHEDULED }
enum DiscountClass { ORDER PRODUCT SHIPPING }
type DiscountCombinesWith { orderDiscounts: Boolean! productDiscounts: Boolean! shippingDiscounts: Boolean! }
input DiscountCombinesWithInput { orderDiscounts: Boolean productDiscounts: Boolean shippingDiscounts: Boolean }
input MetafieldInput { id: ID namespace: String key: String value: String type: String }
input DiscountAutomaticAppInput {
  title: String
  functionHandle: String
  functionId: String
  discountClasses: [DiscountClass!]
  combinesWith: DiscountCombinesWithInput
  startsAt: DateTime
  endsAt: DateTime
  metafields: [MetafieldInput!]
}
type AppDiscountType { functionId: String! title: String! }
type DiscountAutomaticApp {
  discountId: ID!
  title: String!
  status: DiscountStatus!
  startsAt: DateTime!
  endsAt: DateTime
  createdAt: DateTime!
  updatedAt: DateTime!
  combinesWith: DiscountCombinesWith!
  discountClasses: [DiscountClass!]!
  appDiscountType: AppDiscountType!
}
union DiscountAutomatic = DiscountAutomaticApp
type DiscountAutomaticNode implements Node {
  id: ID!
  automaticDiscount: DiscountAutomatic!
  metafield(namespace: String, key: String!): Metafield
}
type DiscountUserError { field: [String!] message: String! code: String }
type DiscountAutomaticAppCreatePayload { automaticAppDiscount: DiscountAutomaticApp userErrors: [DiscountUserError!]! }
type DiscountAutomaticAppUpdatePayload { automaticAppDiscount: DiscountAutomaticApp userErrors: [DiscountUserError!]! }
type DiscountAutomaticActivatePayload { automaticDiscountNode: DiscountAutomaticNode userErrors: [DiscountUserError!]! }
type DiscountAutomaticDeactivatePayload { automaticDiscountNode: DiscountAutomaticNode userErrors: [DiscountUserError!]! }
type DiscountAutomaticDeletePayload { deletedAutomaticDiscountId: ID userErrors: [DiscountUserError!]! }
extend type QueryRoot { automaticDiscountNode(id: ID!): DiscountAutomaticNode }
extend type Mutation {
  discountAutomaticAppCreate(automaticAppDiscount: DiscountAutomaticAppInput!): DiscountAutomaticAppCreatePayload
  discountAutomaticAppUpdate(id: ID!, automaticAppDiscount: DiscountAutomaticAppInput!): DiscountAutomaticAppUpdatePayload
  discountAutomaticActivate(id: ID!): DiscountAutomaticActivatePayload
  discountAutomaticDeactivate(id: ID!): DiscountAutomaticDeactivatePayload
  discountAutomaticDelete(id: ID!): DiscountAutomaticDeletePayload
}
`;

/** The function handles this app deploys (extensions/<name>/shopify.extension.toml `handle`). */
export const APP_FUNCTION_HANDLES = new Set(['pairwise-bundle-discount']);

interface AppInput {
  title?: string;
  functionHandle?: string;
  functionId?: string;
  discountClasses?: string[];
  combinesWith?: {orderDiscounts?: boolean; productDiscounts?: boolean; shippingDiscounts?: boolean};
  startsAt?: string;
  endsAt?: string | null;
  metafields?: {namespace?: string; key?: string; value?: string; type?: string}[];
}

type UserError = {field: string[]; message: string; code: string};

/** ACTIVE, SCHEDULED or EXPIRED at `now`, from the discount's dates as Shopify derives it. */
export function discountStatus(d: AppDiscountRecord, now = Date.now()): 'ACTIVE' | 'SCHEDULED' | 'EXPIRED' {
  if (Date.parse(d.startsAt) > now) return 'SCHEDULED';
  if (d.endsAt && Date.parse(d.endsAt) <= now) return 'EXPIRED';
  return 'ACTIVE';
}

function discountNode(d: AppDiscountRecord) {
  return {
    id: gid('DiscountAutomaticNode', d.id),
    automaticDiscount: {
      __typename: 'DiscountAutomaticApp',
      discountId: gid('DiscountAutomaticNode', d.id),
      title: d.title,
      status: discountStatus(d),
      startsAt: d.startsAt,
      endsAt: d.endsAt,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      combinesWith: d.combinesWith,
      discountClasses: d.discountClasses,
      appDiscountType: {functionId: d.functionHandle, title: 'Pairwise bundle discount'},
    },
    // graphql-js's default resolver calls a function-valued field with (args, context).
    metafield: (args: {namespace?: string; key: string}, ctx: RequestContext) => {
      const namespace = resolveNamespace(args.namespace, ctx.appId);
      const m = d.metafields.find((f) => f.namespace === namespace && f.key === args.key);
      return m ? {...m, id: gid('Metafield', m.id), jsonValue: m.type === 'json' ? JSON.parse(m.value) : m.value, compareDigest: String(m.id)} : null;
    },
  };
}

/** Applies an input onto a record (new or existing); returns the user errors Shopify would give instead. */
function apply(ctx: RequestContext, d: AppDiscountRecord, input: AppInput, creating: boolean): UserError[] {
  const errors: UserError[] = [];
  if (creating && !input.title) errors.push({field: ['automaticAppDiscount', 'title'], message: "Title can't be blank", code: 'BLANK'});
  const handle = input.functionHandle ?? input.functionId;
  if (creating && !handle) errors.push({field: ['automaticAppDiscount', 'functionHandle'], message: 'Function handle or id is required', code: 'MISSING_ARGUMENT'});
  if (handle !== undefined && !APP_FUNCTION_HANDLES.has(handle)) errors.push({field: ['automaticAppDiscount', 'functionHandle'], message: 'Function not found.', code: 'INVALID'});
  for (const [i, m] of (input.metafields ?? []).entries()) {
    if (!m.key || m.value === undefined || !m.type) errors.push({field: ['automaticAppDiscount', 'metafields', String(i)], message: 'Metafield needs key, value and type', code: 'INVALID'});
    else if (m.type === 'json') {
      try {
        JSON.parse(m.value);
      } catch {
        errors.push({field: ['automaticAppDiscount', 'metafields', String(i), 'value'], message: 'Value is invalid JSON', code: 'INVALID'});
      }
    }
  }
  if (errors.length) return errors;
  const now = new Date().toISOString();
  if (input.title !== undefined) d.title = input.title;
  if (handle !== undefined) d.functionHandle = handle;
  if (input.discountClasses) d.discountClasses = [...new Set(input.discountClasses)];
  if (input.combinesWith) d.combinesWith = {...d.combinesWith, ...input.combinesWith};
  if (input.startsAt !== undefined) d.startsAt = input.startsAt;
  if (input.endsAt !== undefined) d.endsAt = input.endsAt;
  for (const m of input.metafields ?? []) {
    const namespace = resolveNamespace(m.namespace, ctx.appId);
    const existing = d.metafields.find((f) => f.namespace === namespace && f.key === m.key);
    if (existing) Object.assign(existing, {value: m.value!, type: m.type!, updatedAt: now});
    else d.metafields.push({id: newId(), ownerId: d.id, namespace, key: m.key!, type: m.type!, value: m.value!, createdAt: now, updatedAt: now});
  }
  d.updatedAt = now;
  return [];
}

function find(ctx: RequestContext, id: unknown): AppDiscountRecord | undefined {
  const ref = parseGid(id);
  return ref?.type === 'DiscountAutomaticNode' ? ctx.shop.discounts.get(ref.id) : undefined;
}

const notFound = (field = 'id'): UserError[] => [{field: [field], message: 'Discount does not exist', code: 'INVALID'}];

/** The discount slice of the stand-in's schema (buildAdminSchema's extension). */
export const discountsExtension: SchemaExtension = {sdl: DISCOUNTS_SDL, resolvers: {
  QueryRoot: {
    automaticDiscountNode: (_s, args, ctx) => {
      requireScope(ctx, 'read_discounts', 'automaticDiscountNode');
      const d = find(ctx, args.id);
      return d ? discountNode(d) : null;
    },
  },
  Mutation: {
    discountAutomaticAppCreate: (_s, args, ctx) => {
      requireScope(ctx, 'write_discounts', 'discountAutomaticAppCreate');
      const now = new Date().toISOString();
      const d: AppDiscountRecord = {
        id: newId(), title: '', functionHandle: '', discountClasses: ['PRODUCT'], startsAt: now, endsAt: null, createdAt: now, updatedAt: now,
        combinesWith: {orderDiscounts: false, productDiscounts: false, shippingDiscounts: false}, metafields: [],
      };
      const userErrors = apply(ctx, d, args.automaticAppDiscount as AppInput, true);
      if (userErrors.length) return {automaticAppDiscount: null, userErrors};
      ctx.shop.discounts.set(d.id, d);
      return {automaticAppDiscount: discountNode(d).automaticDiscount, userErrors};
    },
    discountAutomaticAppUpdate: (_s, args, ctx) => {
      requireScope(ctx, 'write_discounts', 'discountAutomaticAppUpdate');
      const d = find(ctx, args.id);
      if (!d) return {automaticAppDiscount: null, userErrors: notFound()};
      const userErrors = apply(ctx, d, args.automaticAppDiscount as AppInput, false);
      return {automaticAppDiscount: userErrors.length ? null : discountNode(d).automaticDiscount, userErrors};
    },
    discountAutomaticActivate: (_s, args, ctx) => {
      requireScope(ctx, 'write_discounts', 'discountAutomaticActivate');
      const d = find(ctx, args.id);
      if (!d) return {automaticDiscountNode: null, userErrors: notFound()};
      if (discountStatus(d) === 'EXPIRED') d.endsAt = null;
      if (discountStatus(d) === 'SCHEDULED') d.startsAt = new Date().toISOString();
      return {automaticDiscountNode: discountNode(d), userErrors: []};
    },
    discountAutomaticDeactivate: (_s, args, ctx) => {
      requireScope(ctx, 'write_discounts', 'discountAutomaticDeactivate');
      const d = find(ctx, args.id);
      if (!d) return {automaticDiscountNode: null, userErrors: notFound()};
      if (discountStatus(d) !== 'EXPIRED') d.endsAt = new Date().toISOString();
      return {automaticDiscountNode: discountNode(d), userErrors: []};
    },
    discountAutomaticDelete: (_s, args, ctx) => {
      requireScope(ctx, 'write_discounts', 'discountAutomaticDelete');
      const d = find(ctx, args.id);
      if (!d) return {deletedAutomaticDiscountId: null, userErrors: notFound()};
      ctx.shop.discounts.delete(d.id);
      return {deletedAutomaticDiscountId: gid('DiscountAutomaticNode', d.id), userErrors: []};
    },
  },
}};
