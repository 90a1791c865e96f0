// Sends pre-signed webhook deliveries (JSON lines of {headers, body}) to a URL with N concurrent senders and
// prints the seconds it took. A separate process, so the sender's CPU is not the server's.
import {readFileSync} from 'node:fs';

const [url, file, concurrency] = process.argv.slice(2);
const deliveries = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({length: Number(concurrency)}, async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++];
      const res = await fetch(url, {method: 'POST', headers: d.headers, body: d.body});
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await res.arrayBuffer();
    }
  }),
);
process.stdout.write(String((performance.now() - t0) / 1000));
