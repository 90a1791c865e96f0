/** RFC 4180 quoting, only where a field needs it: the one CSV field writer (trainer outputs, the store generator). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
