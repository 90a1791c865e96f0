/**
 * Bulk query operations as API 2026-10 runs them, after https://shopify.dev/docs/api/usage/bulk-operations/queries
 * and https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/bulkOperationRunQuery:
 * `bulkOperationRunQuery` checks the query (one top-level connection, at most five connections, nested at most
 * two levels deep), answers CREATED, moves to RUNNING, writes the result as JSONL (one object per line; a nested
 * connection's nodes become their own lines carrying `__parentId`, while a nested object that is not a connection,
 * such as a variant's `inventoryItem { id tracked updatedAt }`, stays inside its node's line) and ends COMPLETED
 * with `objectCount`, `fileSize` and a `url` the result is downloaded from (null when nothing matched).
 *
 * Grouping: since 2026-01 `groupObjects` defaults to false
 * (https://shopify.dev/changelog/bulk-operations-group-objects-default-changed-to-false), and then a child line
 * is not guaranteed to follow its parent. So by default the lines leave through a seeded shuffle buffer: a
 * child may come before its parent, right after it, or thousands of lines away, the same way on every run.
 * Only `groupObjects: true` writes each parent with its children directly below it.
 *
 * Concurrency: since 2026-01 an app may run up to five bulk query operations at a time per shop (the guide's
 * Limitations); one more is refused with the `LIMIT_REACHED` user error
 * (https://shopify.dev/docs/api/admin-graphql/2026-10/enums/BulkOperationUserErrorCode).
 */
import {once} from 'node:events';
import {createWriteStream, statSync} from 'node:fs';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {Kind, execute, getNamedType, isObjectType, parse, validate} from 'graphql';
import type {DocumentNode, FieldNode, GraphQLObjectType, GraphQLSchema, SelectionSetNode} from 'graphql';
import {randomSamplers} from '../random';
import type {Random} from '../random';
import {shopifyError} from './errors';
import {newId} from './state';
import type {BulkOperationRecord, BulkStatus, ShopState} from './state';
import type {RequestContext} from './resolvers';

/** Roots per execution slice: big enough to be quick, small enough to keep memory flat for big shops. */
const SLICE = 500;
const MAX_NESTED_CONNECTION_DEPTH = 2;
const MAX_CONNECTIONS = 5;
/** Bulk query operations an app may run at a time per shop, API 2026-01 and later. */
export const MAX_CONCURRENT_BULK_QUERIES = 5;

export interface BulkOptions {
  /** Directory the JSONL results are written to and served from. */
  dir: string;
  /** Pause before RUNNING and before COMPLETED, so a poller can see each state. */
  stepDelayMs: number;
  /** Bulk query operations one app may run at once on a shop (MAX_CONCURRENT_BULK_QUERIES). */
  maxConcurrent: number;
  /** Ungrouped output: how many lines the shuffle buffer holds, so how far a line can drift from its place. */
  shuffleWindow: number;
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

  start(ctx: RequestContext, query: string, groupObjects: boolean): {bulkOperation: BulkOperationRecord | null; userErrors: UserError[]} {
    const refused = (message: string, code: string) => ({bulkOperation: null, userErrors: [{field: ['query'], message, code}]});
    const running = [...ctx.shop.bulkOperations.values()].filter((op) => op.status === 'CREATED' || op.status === 'RUNNING');
    if (running.length >= this.options.maxConcurrent) {
      // The enum value's documented meaning, as the message.
      return {bulkOperation: null, userErrors: [{field: [], message: 'Bulk operations limit reached. Please try again later.', code: 'LIMIT_REACHED'}]};
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

    // Seeded by the shop and how many operations it has run, so a test sees the same order on every run.
    const shuffle = groupObjects ? undefined : new ShuffleBuffer(randomSamplers(hash(`${ctx.shop.domain}#${ctx.shop.bulkOperations.size}`)), this.options.shuffleWindow);
    const op: BulkOperationRecord = {
      id: newId(), query, status: 'CREATED', errorCode: null, createdAt: new Date().toISOString(), completedAt: null,
      objectCount: 0, rootObjectCount: 0, fileSize: null, url: null,
    };
    ctx.shop.bulkOperations.set(op.id, op);
    void this.run(ctx, op, document, root.alias?.value ?? root.name.value, root.name.value, shuffle);
    return {bulkOperation: op, userErrors: []};
  }

  cancel(shop: ShopState, id: number): BulkOperationRecord | undefined {
    const op = shop.bulkOperations.get(id);
    if (op && (op.status === 'CREATED' || op.status === 'RUNNING')) op.status = 'CANCELING';
    return op;
  }

  private async run(
    ctx: RequestContext, op: BulkOperationRecord, document: DocumentNode, key: string, field: string, shuffle: ShuffleBuffer | undefined,
  ): Promise<void> {
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
        await write(out, shuffle ? lines.flatMap((line) => shuffle.push(line) ?? []) : lines);
        await sleep(0);
      }
      if (shuffle) await write(out, shuffle.drain());
    } catch {
      op.status = 'FAILED';
      op.errorCode = 'INTERNAL_SERVER_ERROR';
    }
    out.end();
    await once(out, 'close');
    await sleep(this.options.stepDelayMs);
    if (shop.bulkHold) await shop.bulkHold;
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

async function write(out: NodeJS.WritableStream, lines: string[]): Promise<void> {
  if (lines.length > 0 && !out.write(lines.join('\n') + '\n')) await once(out, 'drain');
}

/**
 * A bounded shuffle: each line takes a random place in a buffer of `window` lines, pushing out the line that
 * was there. Lines leave out of order, up to about `window` lines from where they went in (a whole file of
 * fewer lines comes out as one random permutation), while memory holds only the buffer.
 */
class ShuffleBuffer {
  private readonly lines: string[] = [];

  constructor(private readonly random: Random, private readonly window: number) {}

  /** Takes a line; once the buffer is full, gives back the one it replaced. */
  push(line: string): string | undefined {
    if (this.lines.length < this.window) {
      this.lines.push(line);
      return undefined;
    }
    const i = this.random.int(this.window);
    const out = this.lines[i];
    this.lines[i] = line;
    return out;
  }

  /** What is left, in random order (Fisher-Yates). */
  drain(): string[] {
    const rest = this.lines.splice(0);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      [rest[i], rest[j]] = [rest[j], rest[i]];
    }
    return rest;
  }
}

/** FNV-1a: a seed from a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
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

/** Writes a node as one line and its nested connections' nodes as lines after it with `__parentId` (grouped); returns the line count. */
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
