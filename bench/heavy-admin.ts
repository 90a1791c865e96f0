// The heavy shop's merchant of the isolation bench (isolation.ts), in a process of its own: saving a setting that
// republishes every list, opening Insights and searching the catalogue, each in its own back-to-back loop. It
// prints `started`, runs until a line arrives on stdin, then prints the three calls' latencies as one JSON line.
// Its own process, so the small shop's figures, timed in the bench's process, wait on the server and not behind
// this client's own queue of responses.
// Run: node --import tsx bench/heavy-admin.ts '<json: {url, apiKey, secret, shop, searchWords}>'
import {createInterface} from 'node:readline';
import {sessionToken} from '../devkit/session-token';
import {summarise, timed} from './latency';

const {url, apiKey, secret, shop, searchWords} = JSON.parse(process.argv[2]) as {url: string; apiKey: string; secret: string; shop: string; searchWords: string[]};

let stopped = false;
const stop = new Promise<void>((resolve) => createInterface({input: process.stdin}).once('line', () => resolve()));
void stop.then(() => (stopped = true));

const auth = async () => ({Authorization: `Bearer ${await sessionToken({shop, apiKey, secret})}`});
const ok = (s: number) => s === 200;
const loop = async (call: (i: number) => Promise<boolean>) => {
  let failed = 0;
  for (let i = 0; !stopped; i++) if (!(await call(i))) failed += 1;
  return failed;
};
const settingsMs: number[] = [];
const insightsMs: number[] = [];
const searchMs: number[] = [];
process.stdout.write('started\n');
const [settingsFailed, insightsFailed, searchFailed] = await Promise.all([
  loop(async (i) => timed(`${url}/api/settings`, {
    method: 'PUT',
    headers: {...(await auth()), 'Content-Type': 'application/json'},
    body: JSON.stringify({maxItems: i % 2 ? 4 : 5}),
  }, ok, settingsMs)),
  loop(async () => timed(`${url}/api/insights`, {headers: await auth()}, ok, insightsMs)),
  loop(async (i) => timed(`${url}/api/products?${new URLSearchParams({query: searchWords[i % searchWords.length]})}`, {headers: await auth()}, ok, searchMs)),
]);
process.stdout.write(JSON.stringify({
  settings: summarise(settingsMs, settingsFailed),
  insights: summarise(insightsMs, insightsFailed),
  search: summarise(searchMs, searchFailed),
}) + '\n');
process.exit(0);
