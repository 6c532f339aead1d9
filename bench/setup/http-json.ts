/** POSTs JSON and returns the JSON answer; throws with the server's error body on a non-2xx status. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST ${url} -> ${r.status} ${text}`);
  return JSON.parse(text) as T;
}
