// Writers for bench/failover.sh: CONCURRENCY loops creating signals through URL (nginx in front
// of the instances) until the file STOP exists or MAX_SECONDS have passed. Every acknowledged
// create (201) is appended at once to ACKS as "id<TAB>summary<TAB>upstream<TAB>answered<TAB>sent"
// (times in ms since the epoch);
// a summary is unique per attempt, so the check can tell each acknowledged write by its content.
// At the end, a JSON line on standard output: attempts, acknowledged, failures by status.
//   node bench/failover_writer.mjs URL COOKIE CSRF ACKS STOP TAG [CONCURRENCY=8] [MAX_SECONDS=120]
import { appendFileSync, existsSync } from 'node:fs';

const [url, cookie, csrf, acks, stop, tag, concurrencyArg, maxArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg ?? 8);
const deadline = Date.now() + 1000 * Number(maxArg ?? 120);
const failures = {};
let attempts = 0;
let acknowledged = 0;

async function writer(w) {
  for (let n = 0; !existsSync(stop) && Date.now() < deadline; n++) {
    const summary = `failover ${tag} w${w} n${n}`;
    attempts++;
    const sent = Date.now();
    let status = 'no answer';
    try {
      const res = await fetch(`${url}/api/v1/records/signal`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({
          received_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          source: 'hotline_152',
          region: 'baku',
          summary,
        }),
        signal: AbortSignal.timeout(30_000),
      });
      status = String(res.status);
      const text = await res.text();
      if (res.status === 201) {
        const id = JSON.parse(text).id;
        appendFileSync(acks, `${id}\t${summary}\t${res.headers.get('x-upstream') ?? ''}\t${Date.now()}\t${sent}\n`);
        acknowledged++;
        continue;
      }
    } catch {
      // a connection refused or reset, a timeout: no answer, the outcome is unknown
    }
    failures[status] = (failures[status] ?? 0) + 1;
    // While the database is away every request fails at once: do not spin.
    await new Promise((r) => setTimeout(r, 50));
  }
}

await Promise.all(Array.from({ length: concurrency }, (_, w) => writer(w)));
console.log(JSON.stringify({ attempts, acknowledged, failures }));
