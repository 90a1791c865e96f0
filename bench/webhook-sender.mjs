// Sends pre-signed webhook deliveries (JSON lines of {headers, body}) to a URL with N concurrent senders and
// prints, as JSON, the seconds it took and its own CPU time. A separate process, so the sender's CPU is not the
// server's; on a 2-core machine the two share the cores, which is why the sender reports what it used.
// node:http with keep-alive rather than fetch: fetch (undici) cost more CPU per request than the server did.
import {Agent, request} from 'node:http';
import {readFileSync} from 'node:fs';

const [url, file, concurrency] = process.argv.slice(2);
const deliveries = readFileSync(file, 'utf8').trim().split('\n').map((line) => {
  const d = JSON.parse(line);
  const body = Buffer.from(d.body);
  return {headers: {...d.headers, 'Content-Length': String(body.length)}, body};
});
const agent = new Agent({keepAlive: true, maxSockets: Number(concurrency)});
const target = new URL(url);

function send(d) {
  return new Promise((resolve, reject) => {
    const req = request({host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: d.headers, agent}, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`webhook answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(d.body);
  });
}

let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({length: Number(concurrency)}, async () => {
    while (next < deliveries.length) await send(deliveries[next++]);
  }),
);
const cpu = process.cpuUsage();
agent.destroy();
process.stdout.write(JSON.stringify({seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6}));
