import {perDb} from '../per-db';
import type {Db} from '../open';
import {DEFAULT_SETTINGS, settingsSchema} from '../../domain/settings';
import type {Settings, SettingsPatch} from '../../domain/settings';

/** settings: one row per setting, the value as JSON; anything missing or unreadable reads as its default. */
function createSettingsRepo(db: Db) {
  const all = db.prepare<[], {key: string; value: string}>('SELECT key, value FROM settings');
  const put = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const shape = settingsSchema.shape;
  return {
    get(): Settings {
      const settings: Settings = {...DEFAULT_SETTINGS};
      for (const row of all.all()) {
        if (!(row.key in shape)) continue;
        const key = row.key as keyof Settings;
        let value: unknown;
        try {
          value = JSON.parse(row.value);
        } catch {
          continue;
        }
        const parsed = shape[key].safeParse(value);
        if (parsed.success) Object.assign(settings, {[key]: parsed.data});
      }
      return settings;
    },
    /** Writes a validated patch in one transaction and returns the settings after it. */
    update(patch: SettingsPatch): Settings {
      const now = new Date().toISOString();
      db.transaction(() => {
        for (const [key, value] of Object.entries(patch)) {
          if (value !== undefined) put.run(key, JSON.stringify(value), now);
        }
      })();
      return this.get();
    },
  };
}

export const settingsRepo = perDb(createSettingsRepo);
