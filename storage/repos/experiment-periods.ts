import {randomBytes} from 'node:crypto';
import {perDb} from '../per-db';
import type {Db} from '../open';
import type {ExperimentPeriod} from '../../domain/experiment';

export interface StoredPeriod extends ExperimentPeriod {
  startedAt: string;
  endedAt: string | null;
}

type Row = {period: number; salt: string; share: number; started_at: string; ended_at: string | null};
const fromRow = (r: Row): StoredPeriod => ({period: r.period, salt: r.salt, share: r.share, startedAt: r.started_at, endedAt: r.ended_at});

/** experiment_periods: the holdout experiment's history; the running period is the one not ended. */
function createExperimentPeriodsRepo(db: Db) {
  const current = db.prepare<[], Row>('SELECT * FROM experiment_periods WHERE ended_at IS NULL ORDER BY period DESC LIMIT 1');
  const all = db.prepare<[], Row>('SELECT * FROM experiment_periods ORDER BY period');
  const one = db.prepare<[number], Row>('SELECT * FROM experiment_periods WHERE period = ?');
  const end = db.prepare('UPDATE experiment_periods SET ended_at = ? WHERE ended_at IS NULL');
  const insert = db.prepare<[string, number, string]>(
    'INSERT INTO experiment_periods (period, salt, share, started_at) VALUES ((SELECT coalesce(max(period), 0) + 1 FROM experiment_periods), ?, ?, ?)',
  );
  const repo = {
    current: (): StoredPeriod | undefined => {
      const row = current.get();
      return row && fromRow(row);
    },
    get: (period: number): StoredPeriod | undefined => {
      const row = one.get(period);
      return row && fromRow(row);
    },
    all: (): StoredPeriod[] => all.all().map(fromRow),
    /**
     * The running period for this share: the current one if its share is the same, else a new period with a
     * fresh salt (the one before it ends now), so visitors are reshuffled and no period mixes two shares.
     */
    forShare(share: number, at = new Date()): StoredPeriod {
      return db.transaction(() => {
        const running = repo.current();
        if (running && running.share === share) return running;
        const iso = at.toISOString();
        end.run(iso);
        insert.run(randomBytes(12).toString('hex'), share, iso);
        return repo.current()!;
      })();
    },
  };
  return repo;
}

export const experimentPeriodsRepo = perDb(createExperimentPeriodsRepo);
