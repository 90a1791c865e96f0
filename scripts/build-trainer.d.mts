export const TRAINER_DIST: string;
export function ensureTrainerBundle(): string;
