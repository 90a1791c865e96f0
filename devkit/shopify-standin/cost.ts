/**
 * Query cost and the leaky bucket, after https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 * (see also https://shopify.dev/docs/api/usage/limits#the-leaky-bucket-algorithm): scalars and enums cost 0,
 * objects 1, a connection 2 plus its page size times the cost of one node, a mutation 10. Every response carries
 * `extensions.cost {requestedQueryCost, actualQueryCost, throttleStatus {maximumAvailable, currentlyAvailable,
 * restoreRate}}`; a request costing more than is available is answered THROTTLED, one costing more than 1000 is
 * refused outright.
 */
import {getNamedType, isLeafType, isObjectType, isAbstractType, Kind} from 'graphql';
import type {
  FragmentDefinitionNode, GraphQLCompositeType, GraphQLSchema, OperationDefinitionNode, SelectionSetNode, ValueNode,
} from 'graphql';

export const SINGLE_QUERY_MAX_COST = 1000;

export interface BucketOptions {
  /** Bucket size in points (Shopify's Standard plan: 2000). */
  maximumAvailable: number;
  /** Points restored per second (Standard: 100). */
  restoreRate: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private at = Date.now();

  constructor(private options: BucketOptions) {
    this.available = options.maximumAvailable;
  }

  private refill(): void {
    const now = Date.now();
    this.available = Math.min(this.options.maximumAvailable, this.available + ((now - this.at) / 1000) * this.options.restoreRate);
    this.at = now;
  }

  /** Takes `cost` points if they are there; false (nothing taken) when the request must be throttled. */
  take(cost: number): boolean {
    this.refill();
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back what a query did not use (requested minus actual), as Shopify does. */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.options.maximumAvailable, this.available + points);
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.options.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.options.restoreRate,
    };
  }

  /** Empties or resizes the bucket (tests). */
  reset(options: Partial<BucketOptions> & {currentlyAvailable?: number}): void {
    this.options = {...this.options, ...options};
    this.available = options.currentlyAvailable ?? this.options.maximumAvailable;
    this.at = Date.now();
  }
}

const CONNECTION = /Connection$/;

/**
 * The requested cost of an operation; with `data` (the result), the actual cost, counting the nodes that came
 * back instead of the page sizes asked for.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data?: Record<string, unknown> | null,
): number {
  if (operation.operation === 'mutation') return 10;
  const root = schema.getQueryType();
  return root ? selectionCost(schema, root, operation.selectionSet, fragments, variables, data ?? undefined) : 0;
}

function selectionCost(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data: Record<string, unknown> | undefined,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments[selection.name.value] : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
      if (condition && (isObjectType(condition) || isAbstractType(condition))) {
        cost += selectionCost(schema, condition, fragment.selectionSet, fragments, variables, data);
      }
      continue;
    }
    if (!isObjectType(type) && !isAbstractType(type)) continue;
    const fields = isObjectType(type) ? type.getFields() : undefined;
    const field = fields?.[selection.name.value];
    if (!field || !selection.selectionSet) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) continue;
    const value = data?.[selection.alias?.value ?? selection.name.value] as Record<string, unknown> | null | undefined;
    if (data && value === null) {
      cost += 1;
      continue;
    }
    if (CONNECTION.test(named.name) && isObjectType(named)) {
      const requested = pageSize(selection.arguments ?? [], variables);
      const nodeType = getNamedType(named.getFields().edges.type);
      const node = isObjectType(nodeType) ? getNamedType(nodeType.getFields().node.type) : undefined;
      const items = data ? connectionItems(value) : undefined;
      const count = items ? items.length : requested;
      let perNode = 1;
      if (node && (isObjectType(node) || isAbstractType(node))) {
        const inner = nodeSelection(selection.selectionSet);
        if (inner) {
          perNode += items && items.length > 0
            ? Math.max(...items.map((item) => selectionCost(schema, node, inner, fragments, variables, item)))
            : selectionCost(schema, node, inner, fragments, variables, undefined);
        }
      }
      cost += 2 + count * perNode;
      continue;
    }
    if (isObjectType(named) || isAbstractType(named)) {
      const inner = Array.isArray(value) ? value[0] : value;
      cost += 1 + selectionCost(schema, named, selection.selectionSet, fragments, variables, inner ?? undefined);
    }
  }
  return cost;
}

function pageSize(args: readonly {name: {value: string}; value: ValueNode}[], variables: Record<string, unknown>): number {
  for (const arg of args) {
    if (arg.name.value !== 'first' && arg.name.value !== 'last') continue;
    if (arg.value.kind === Kind.INT) return Number(arg.value.value);
    if (arg.value.kind === Kind.VARIABLE) return Number(variables[arg.value.name.value] ?? 0);
  }
  return 0;
}

/** The `node { ... }` selection inside `edges { node { ... } }`, or the `nodes { ... }` selection. */
function nodeSelection(connection: SelectionSetNode): SelectionSetNode | undefined {
  for (const s of connection.selections) {
    if (s.kind !== Kind.FIELD || !s.selectionSet) continue;
    if (s.name.value === 'nodes') return s.selectionSet;
    if (s.name.value === 'edges') {
      for (const e of s.selectionSet.selections) if (e.kind === Kind.FIELD && e.name.value === 'node') return e.selectionSet;
    }
  }
  return undefined;
}

function connectionItems(value: Record<string, unknown> | undefined | null): Record<string, unknown>[] {
  if (!value) return [];
  if (Array.isArray(value.nodes)) return value.nodes as Record<string, unknown>[];
  if (Array.isArray(value.edges)) return (value.edges as {node: Record<string, unknown>}[]).map((e) => e.node);
  return [];
}
