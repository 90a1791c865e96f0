import {perDb} from '../per-db';
import type {Db} from '../open';
import type {TopPair} from '../../domain/model';
import {COMMUNITIES_SHOWN, NAMED_FROM, SHOWN_PER_COMMUNITY, communityName} from '../../domain/insights';

/** A version's community as the publish step found it: every member, and how often each was ordered. */
export interface CommunityInput {
  communityId: number;
  productIds: number[];
}

export interface InsightCommunity {
  communityId: number;
  name: string | null;
  size: number;
  purchases: number;
  /** The most ordered members, most ordered first (at most SHOWN_PER_COMMUNITY). */
  productIds: number[];
}

/**
 * The Insights tables (migration 015): written with a version inside the model writer's publishing
 * transaction, read by the admin by (version, position) with LIMIT. Both sides here, so what one writes is
 * what the other reads.
 */
function createModelInsights(db: Db) {
  const memberFacts = db.prepare<[number], {product_type: string; tags: string}>('SELECT product_type, tags FROM products WHERE product_id = ?');
  const insertCommunity = db.prepare<[number, number, number, string | null, number, number]>(
    'INSERT INTO model_insight_communities (version, position, community_id, name, size, purchases) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertMember = db.prepare<[number, number, number, number]>('INSERT INTO model_insight_members (version, community_id, position, product_id) VALUES (?, ?, ?, ?)');
  const insertPair = db.prepare(
    `INSERT INTO model_insight_pairs (version, position, product_id, companion_id, rank, score, source, count, support, confidence, lift)
     VALUES (@version, @position, @productId, @companionId, @rank, @score, @source, @count, @support, @confidence, @lift)`,
  );
  const communities = db.prepare<[number, number], {community_id: number; name: string | null; size: number; purchases: number}>(
    'SELECT community_id, name, size, purchases FROM model_insight_communities WHERE version = ? ORDER BY position LIMIT ?',
  );
  const members = db.prepare<[number, number, number], {product_id: number}>(
    'SELECT product_id FROM model_insight_members WHERE version = ? AND community_id = ? ORDER BY position LIMIT ?',
  );
  const pairs = db.prepare<[number, number], TopPair>(
    `SELECT product_id AS productId, companion_id AS companionId, rank, score, source, count, support, confidence, lift
     FROM model_insight_pairs WHERE version = ? ORDER BY position LIMIT ?`,
  );

  const tagsOf = (tags: string) => tags.split(',').map((t) => t.trim()).filter(Boolean);

  return {
    /**
     * Writes the version's shown communities (named from the catalogue's types and tags of their most ordered
     * members) and its strongest pairs. Call inside the publishing transaction.
     */
    write(version: number, input: {communities: CommunityInput[]; orders: ReadonlyMap<number, number>; strongest: TopPair[]}): void {
      const ordersOf = (id: number) => input.orders.get(id) ?? 0;
      const ranked = input.communities
        .map((c) => ({communityId: c.communityId, size: c.productIds.length, purchases: c.productIds.reduce((n, id) => n + ordersOf(id), 0), productIds: c.productIds}))
        .sort((a, b) => b.purchases - a.purchases || a.communityId - b.communityId)
        .slice(0, COMMUNITIES_SHOWN);
      ranked.forEach((c, i) => {
        const top = [...c.productIds].sort((a, b) => ordersOf(b) - ordersOf(a) || a - b).slice(0, NAMED_FROM);
        const named = top.flatMap((id) => {
          const r = memberFacts.get(id);
          return r ? [{productType: r.product_type, tags: tagsOf(r.tags)}] : [];
        });
        insertCommunity.run(version, i + 1, c.communityId, communityName(named), c.size, c.purchases);
        top.slice(0, SHOWN_PER_COMMUNITY).forEach((id, k) => insertMember.run(version, c.communityId, k + 1, id));
      });
      input.strongest.forEach((p, i) => insertPair.run({...p, version, position: i + 1}));
    },
    /** The version's most purchased communities, most purchased first, each with its most ordered members. */
    communities: (version: number, limit: number): InsightCommunity[] =>
      communities.all(version, limit).map((c) => ({
        communityId: c.community_id, name: c.name, size: c.size, purchases: c.purchases,
        productIds: members.all(version, c.community_id, SHOWN_PER_COMMUNITY).map((m) => m.product_id),
      })),
    /** The version's strongest pairs, strongest first, each unordered pair once. */
    strongestPairs: (version: number, limit: number): TopPair[] => pairs.all(version, limit),
  };
}

export const modelInsights = perDb(createModelInsights);
