/**
 * Bulk query operations, after https://shopify.dev/docs/api/usage/bulk-operations/queries:
 * `bulkOperationRunQuery` checks the query (one top-level connection, nested connections at most two levels
 * deep), answers CREATED, moves to RUNNING, writes the result as JSONL (one object per line; a nested
 * connection's nodes become their own lines after their parent, carrying `__parentId`) and ends COMPLETED with
 * `objectCount`, `fileSize` and a `url` the result is downloaded from (null when nothing matched).
 */
import {once} from 'node:events';
import {createWriteStream, statSync} from 'node:fs';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {Kind, execute, getNamedType, isObjectType, parse, validate} from 'graphql';
import type {DocumentNode, FieldNode, GraphQLObjectType, GraphQLSchema, SelectionSetNode} from 'graphql';
import {shopifyError} from './errors';
import {newId} from './state';
import type {BulkOperationRecord, BulkStatus, ShopState} from './state';
import type {RequestContext} from './resolvers';

/** Roots per execution slice: big enough to be quick, small enough to keep memory flat for big shops. */
const SLICE = 500;
const MAX_NESTED_CONNECTION_DEPTH = 2;
const MAX_CONNECTIONS = 5;

export interface BulkOptions {
  /** Directory the JSONL results are written to and served from. */
  dir: string;
  /** Pause before RUNNING and before COMPLETED, so a poller can see each state. */
  stepDelayMs: number;
  /** Bulk query operations one app may run at once on a shop (Shopify allowed one before API 2026-01). */
  maxConcurrent: number;
  /** Called when an operation ends, for the `bulk_operations/finish` webhook. */
  onFinish?: (shop: ShopState, op: BulkOperationRecord) => void;
}

type UserError = {field: string[]; message: string; code: string};

export class BulkRunner {
  constructor(private readonly schema: GraphQLSchema, private readonly options: BulkOptions) {}

  /** Path of a finished result file by its public name, or undefined. */
  resultPath(name: string): string | undefined {
    return /^[\w.-]+\.jsonl$/.test(name) ? join(this.options.dir, name) : undefined;
  }

  start(ctx: RequestContext, query: string): {bulkOperation: BulkOperationRecord | null; userErrors: UserError[]} {
    const refused = (message: string, code: string) => ({bulkOperation: null, userErrors: [{field: ['query'], message, code}]});
    const running = [...ctx.shop.bulkOperations.values()].filter((op) => op.status === 'CREATED' || op.status === 'RUNNING');
    if (running.length >= this.options.maxConcurrent) {
      return {
        bulkOperation: null,
        userErrors: [{
          field: [],
          message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${running[0].id}.`,
          code: 'OPERATION_IN_PROGRESS',
        }],
      };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return refused(`Invalid bulk query: ${(error as Error).message}`, 'INVALID');
    }
    const errors = validate(this.schema, document);
    if (errors.length > 0) return refused(`Invalid bulk query: ${String(shopifyError(errors[0]).message)}`, 'INVALID');
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const operation = operations[0];
    if (operations.length !== 1 || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') {
      return refused('Invalid bulk query: a bulk operation runs exactly one query.', 'INVALID');
    }
    const roots = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
    const rootType = this.schema.getQueryType() as GraphQLObjectType;
    const root = roots[0];
    const rootField = root && rootType.getFields()[root.name.value];
    if (roots.length !== 1 || !rootField || !getNamedType(rootField.type).name.endsWith('Connection')) {
      return refused('Invalid bulk query: Bulk queries must contain at least one connection, as the single top-level field.', 'INVALID');
    }
    const shape = connectionShape(this.schema, getNamedType(rootField.type) as GraphQLObjectType, root.selectionSet as SelectionSetNode, 0);
    if (shape.depth > MAX_NESTED_CONNECTION_DEPTH) {
      return refused(`Invalid bulk query: Bulk queries cannot contain connections with a nesting depth greater than ${MAX_NESTED_CONNECTION_DEPTH}.`, 'INVALID');
    }
    if (shape.count > MAX_CONNECTIONS) {
      return refused(`Invalid bulk query: Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`, 'INVALID');
    }

    const op: BulkOperationRecord = {
      id: newId(), query, status: 'CREATED', errorCode: null, createdAt: new Date().toISOString(), completedAt: null,
      objectCount: 0, rootObjectCount: 0, fileSize: null, url: null,
    };
    ctx.shop.bulkOperations.set(op.id, op);
    void this.run(ctx, op, document, root.alias?.value ?? root.name.value, root.name.value);
    return {bulkOperation: op, userErrors: []};
  }

  cancel(shop: ShopState, id: number): BulkOperationRecord | undefined {
    const op = shop.bulkOperations.get(id);
    if (op && (op.status === 'CREATED' || op.status === 'RUNNING')) op.status = 'CANCELING';
    return op;
  }

  private async run(ctx: RequestContext, op: BulkOperationRecord, document: DocumentNode, key: string, field: string): Promise<void> {
    const {shop} = ctx;
    await sleep(this.options.stepDelayMs);
    if (op.status === 'CANCELING') {
      op.status = 'CANCELED';
      return this.finish(shop, op);
    }
    op.status = 'RUNNING';
    const name = `${shop.domain.replace(/[^a-z0-9-]/g, '_')}-${op.id}.jsonl`;
    const path = join(this.options.dir, name);
    const out = createWriteStream(path);
    const total = field === 'orders' ? shop.orders.length : shop.products.size;
    try {
      for (let start = 0; start < total && op.status === 'RUNNING'; start += SLICE) {
        const result = await execute({schema: this.schema, document, contextValue: {...ctx, bulk: {start, end: start + SLICE}}});
        if (result.errors?.length) {
          op.status = 'FAILED';
          op.errorCode = result.errors.some((e) => e.extensions?.code === 'ACCESS_DENIED') ? 'ACCESS_DENIED' : 'INTERNAL_SERVER_ERROR';
          break;
        }
        const connection = (result.data as Record<string, Record<string, unknown>>)[key];
        const lines: string[] = [];
        for (const node of connectionNodes(connection)) op.objectCount += flatten(node, undefined, lines);
        op.rootObjectCount += connectionNodes(connection).length;
        if (lines.length > 0 && !out.write(lines.join('\n') + '\n')) await once(out, 'drain');
        await sleep(0);
      }
    } catch {
      op.status = 'FAILED';
      op.errorCode = 'INTERNAL_SERVER_ERROR';
    }
    out.end();
    await once(out, 'close');
    await sleep(this.options.stepDelayMs);
    // bulkOperationCancel may have changed the status while the slices ran.
    const status = op.status as BulkStatus;
    if (status === 'CANCELING') op.status = 'CANCELED';
    if (status === 'RUNNING') {
      op.status = 'COMPLETED';
      op.fileSize = statSync(path).size;
      op.url = op.objectCount > 0 ? `${ctx.origin}/bulk-results/${name}` : null;
    }
    this.finish(shop, op);
  }

  private finish(shop: ShopState, op: BulkOperationRecord): void {
    op.completedAt = new Date().toISOString();
    this.options.onFinish?.(shop, op);
  }
}

function connectionNodes(connection: Record<string, unknown> | null | undefined): Record<string, unknown>[] {
  if (!connection) return [];
  if (Array.isArray(connection.edges)) return (connection.edges as {node: Record<string, unknown>}[]).map((e) => e.node);
  if (Array.isArray(connection.nodes)) return connection.nodes as Record<string, unknown>[];
  return [];
}

function isConnection(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && (Array.isArray((value as Record<string, unknown>).edges) || Array.isArray((value as Record<string, unknown>).nodes));
}

/** Writes a node as one line and its nested connections' nodes as lines after it with `__parentId`; returns the line count. */
function flatten(node: Record<string, unknown>, parentId: unknown, out: string[]): number {
  const line: Record<string, unknown> = {};
  const children: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (isConnection(value)) children.push(...connectionNodes(value));
    else line[key] = value;
  }
  if (parentId !== undefined) line.__parentId = parentId;
  out.push(JSON.stringify(line));
  let count = 1;
  for (const child of children) count += flatten(child, node.id, out);
  return count;
}

/** How deep connections nest below the root connection, and how many there are in all. */
function connectionShape(schema: GraphQLSchema, type: GraphQLObjectType, selectionSet: SelectionSetNode, depth: number): {depth: number; count: number} {
  let deepest = depth;
  let count = 1;
  const visit = (t: GraphQLObjectType, set: SelectionSetNode, level: number): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) {
        const cond = s.typeCondition ? schema.getType(s.typeCondition.name.value) : t;
        if (cond && isObjectType(cond)) visit(cond, s.selectionSet, level);
        continue;
      }
      if (s.kind !== Kind.FIELD || !s.selectionSet) continue;
      const field = t.getFields()[s.name.value];
      const named = field && getNamedType(field.type);
      if (!named || !isObjectType(named)) continue;
      if (named.name.endsWith('Connection')) {
        count += 1;
        deepest = Math.max(deepest, level + 1);
        visit(named, s.selectionSet, level + 1);
      } else {
        visit(named, s.selectionSet, level);
      }
    }
  };
  visit(type, selectionSet, depth);
  return {depth: deepest, count};
}
