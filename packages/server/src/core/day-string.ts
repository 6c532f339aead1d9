/** YYYY-MM-DD in UTC: the only precision at which OmeChat records when something happened to a user. */
export function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
