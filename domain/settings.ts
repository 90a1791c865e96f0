import {z} from 'zod';

const names = z.array(z.string().trim().min(1, 'empty name').max(255)).max(100, 'at most 100 names');

/**
 * The merchant's settings. One schema for the API (which refuses bad input field by field) and the admin
 * page (which shows the same errors before sending); the server reads the stored values through `settingsRepo.get()`.
 */
export const settingsSchema = z.object({
  /** Companions shown in a block. */
  maxItems: z.number().int('a whole number').min(1).max(20),
  /** A pair shows only when P(companion | product) is at least this. */
  minConfidence: z.number().min(0).max(1),
  /** ... and its lift is at least this (1 = no better than chance). */
  minLift: z.number().min(0).max(1000),
  excludeTags: names,
  excludeTypes: names,
  excludeVendors: names,
  /** Cart upsell: a companion may cost at most this multiple of the anchor's price. */
  upsellPriceRatio: z.number().min(0.05).max(20),
  /** Share of storefront sessions that see no block, so uplift is measured against them. */
  holdoutShare: z.number().min(0).max(0.5),
  retrainSchedule: z.enum(['manual', 'daily', 'weekly']),
  /** Orders and events older than this are deleted. */
  retentionDays: z.number().int('a whole number').min(30).max(3650),
  /**
   * The products of the bundle the merchant promoted to the product block; null when none. Product ids, not
   * the bundle's id, because bundle ids are renumbered by every training run.
   */
  promotedBundle: z.array(z.number().int().positive()).min(2).max(20).nullable(),
});

export type Settings = z.infer<typeof settingsSchema>;

/** A change of some settings; unknown keys are refused rather than ignored, so a typo is not silently lost. */
export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = {
  maxItems: 4,
  minConfidence: 0.05,
  minLift: 1.2,
  excludeTags: [],
  excludeTypes: [],
  excludeVendors: [],
  upsellPriceRatio: 0.5,
  holdoutShare: 0.1,
  retrainSchedule: 'daily',
  retentionDays: 730,
  promotedBundle: null,
};

/** Field name -> first error message, the shape the API returns in `error.fields` and the form shows. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}
