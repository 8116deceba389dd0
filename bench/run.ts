/**
 * `npm run bench`: starts Latchkey on an in-memory embedded database (or on TEST_DATABASE_URL's
 * server when BENCH_DATABASE_URL is set), then drives it with autocannon from this process:
 * healthz, token verify, refresh (each connection keeps rotating its own token) and sign-in
 * (bcrypt-bound). It also measures one bcrypt hash on this machine and reports the ceiling
 * cores ÷ hash time, so sign-in throughput can be read as a ratio of that ceiling.
 * All figures come from one run on one machine: compare ratios, not absolute numbers.
 */
import autocannon from 'autocannon';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { openEmbedded } from '../src/store/embedded.js';
import { measureBcryptCeiling } from '../src/adapters/password/bench-bcrypt.js';

const DURATION_S = Number(process.env['BENCH_SECONDS'] ?? 8);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);

interface Row { name: string; rps: number; p50: number; p99: number; non2xx: number }

async function run(name: string, opts: autocannon.Options): Promise<Row> {
  const result = await autocannon({ duration: DURATION_S, connections: CONNECTIONS, ...opts });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  const env: Record<string, string> = {
    HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key: 'bench-signing-key-bench-signing-key-0123456789' }),
    AUTH_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    AUTH_CLIENT_URL: 'http://localhost:3000',
    AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
    AUTH_RATE_LIMIT_ENABLE: 'false',
    AUTH_PASSWORD_HASH_QUEUE_LIMIT: '256',
    ...(process.env['BENCH_DATABASE_URL'] ? { POSTGRES_CONNECTION: process.env['BENCH_DATABASE_URL'] } : {}),
  };
  const config = loadConfig(env);
  // Without BENCH_DATABASE_URL: a fresh in-memory embedded database.
  const db = process.env['BENCH_DATABASE_URL'] ? undefined : await openEmbedded(undefined);
  const app = await createApp(config, { log: pino({ level: 'fatal' }), ...(db ? { db } : {}) }, env);
  const origin = (await app.server.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  const post = async (path: string, body: unknown): Promise<any> => {
    const res = await fetch(origin + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return res.json();
  };

  const email = 'bench@example.com';
  const password = 'correct-horse-battery';
  const signUp = await post('/signup/email-password', { email, password });
  const accessToken: string = signUp.session.accessToken;
  const refreshTokens: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) refreshTokens.push((await post('/signin/email-password', { email, password })).session.refreshToken);

  const bcrypt = await measureBcryptCeiling(config.password.hashCost, 10);
  const rows: Row[] = [];
  rows.push(await run('GET /healthz', { url: `${origin}/healthz` }));
  rows.push(await run('POST /token/verify', {
    url: `${origin}/token/verify`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: accessToken }),
  }));
  let next = 0;
  rows.push(await run('POST /token (rotation)', {
    url: `${origin}/token`,
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: any, context: any) => {
        context.token ??= refreshTokens[next++ % refreshTokens.length];
        return { ...req, body: JSON.stringify({ refreshToken: context.token }) };
      },
      onResponse: (status: number, body: string, context: any) => {
        if (status === 200) context.token = JSON.parse(body).refreshToken;
      },
    }],
  } as autocannon.Options));
  rows.push(await run('POST /signin/email-password', {
    url: `${origin}/signin/email-password`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  }));
  await app.close();
  await db?.close();

  const signIn = rows.find((r) => r.name.startsWith('POST /signin'))!;
  console.log(`\nLatchkey benchmark: ${DURATION_S}s per case, ${CONNECTIONS} connections, database ${config.database.kind}, bcrypt cost ${config.password.hashCost}`);
  console.log('| case | req/s | p50 ms | p99 ms | non-2xx |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} |`);
  console.log(`\nbcrypt: one hash ${bcrypt.oneHashMs.toFixed(1)} ms on the main thread, ${bcrypt.cores} cores → ceiling ${bcrypt.ceilingPerSecond.toFixed(1)} hashes/s`);
  console.log(`sign-in throughput = ${(signIn.rps / bcrypt.ceilingPerSecond * 100).toFixed(0)} % of the bcrypt ceiling (measured in the same run)`);
}

await main();
