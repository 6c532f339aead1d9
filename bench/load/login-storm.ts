// A login storm in its own process: POST /api/v1/clients with a real authenticator in a loop, `concurrency`
// at a time, so the server runs argon2id verifies back to back; each new device is revoked again
// (a cheap request) so the account stays under its device cap. Prints a JSON summary on SIGTERM.
const [url, username, authenticator, concurrencyArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg ?? 4);
let ok = 0;
let failed = 0;
let firstFailure = '';
let stopping = false;
const t0 = performance.now();

async function worker(): Promise<void> {
  while (!stopping) {
    try {
      const r = await fetch(`${url}/api/v1/clients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, authenticator, label: 'storm' }),
      });
      if (r.status === 201) {
        ok++;
        // Sign the new device out again: an account holds at most DEVICES_PER_ACCOUNT (16) devices.
        const c = (await r.json()) as { client_hash: string; access_token: string };
        const out = await fetch(`${url}/api/v1/clients/${c.client_hash}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${c.client_hash}.${c.access_token}` },
        });
        await out.arrayBuffer().catch(() => undefined);
      } else {
        failed++;
        firstFailure ||= `${r.status} ${await r.text()}`;
        await r.arrayBuffer().catch(() => undefined);
      }
    } catch (e) {
      failed++;
      firstFailure ||= (e as Error).message;
    }
  }
}

const workers = Array.from({ length: concurrency }, worker);
process.once('SIGTERM', () => {
  stopping = true;
  void Promise.all(workers).then(() => {
    const s = (performance.now() - t0) / 1000;
    console.log(
      JSON.stringify({
        ok,
        failed,
        seconds: Math.round(s * 10) / 10,
        perSecond: Math.round((ok / s) * 10) / 10,
        firstFailure,
      }),
    );
    process.exit(0);
  });
});
