import {useState} from 'react';
import {ApiError} from './client';

export interface Save {
  saving: boolean;
  /** The message of the last save that failed for another reason than its fields; null once a save starts. */
  saveError: string | null;
  /** Clears saveError: a save the form refuses before sending starts afresh too. */
  clearError(): void;
  /**
   * Runs `request` (a PUT). A field refusal from the server (`invalid_input`) goes to `onFields` with the refused
   * field names; any other failure is shown as `saveError`.
   */
  run<T>(request: () => Promise<T>, onSaved: (result: T) => void, onFields: (fields: string[]) => void): Promise<void>;
}

/** The saving state of a form: one save at a time, the server's field errors kept apart from other failures. */
export function useSave(): Save {
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  async function run<T>(request: () => Promise<T>, onSaved: (result: T) => void, onFields: (fields: string[]) => void) {
    setSaveError(null);
    setSaving(true);
    try {
      onSaved(await request());
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_input') onFields(Object.keys(err.fields));
      else setSaveError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  }
  return {saving, saveError, clearError: () => setSaveError(null), run};
}
