/** Whether app/dist is missing or older than app/, domain/ or package-lock.json under `root`. */
export function adminBuildStale(root: string): boolean;
