import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { spawnServer, type SpawnedServer } from './spawn-server.js';

const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const SHIPPED_CONF = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'deploy',
  'nginx-omechat.conf',
);

export interface NginxCluster {
  /** nginx's address: every client goes through it. */
  url: string;
  nodes: SpawnedServer[];
  /** Node i's own address (to check a node's metrics). */
  nodeUrl(i: number): string;
  /** Authenticated connections on each node (its /metrics). */
  connections(): Promise<number[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * `n` real server processes on one PostgreSQL database and one Redis behind a real nginx, which
 * runs the shipped deploy/nginx-omechat.conf with ephemeral ports, from a temp dir (-p) holding its
 * pid file and error log. Fails loudly when nginx is missing (CI installs it: .ci/run).
 */
export async function startNginxCluster(
  n: number,
  env: { DATABASE_URL: string; REDIS_URL: string; REDIS_KEY_PREFIX: string } & Record<string, string>,
): Promise<NginxCluster> {
  if (!existsSync(NGINX))
    throw new Error(`nginx not found at ${NGINX}: install it (apt-get install -y nginx) or set NGINX_BIN`);
  const start = () =>
    spawnServer({ TRUST_PROXY: 'true', METRICS_ENABLED: 'true', PRESENCE_TTL_MS: '3000', ...env });
  // The first one migrates the database; the others start together.
  const nodes: SpawnedServer[] = [await start()];
  nodes.push(...(await Promise.all(Array.from({ length: n - 1 }, start))));
  const dir = mkdtempSync(join(tmpdir(), 'omechat-nginx-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  const port = await freePort();
  let site = readFileSync(SHIPPED_CONF, 'utf8').replace(
    'listen 127.0.0.1:8080;',
    `listen 127.0.0.1:${port};`,
  );
  const servers = site.match(/^\s*server 127\.0\.0\.1:\d+ .*$/gm) ?? [];
  if (servers.length === 0) throw new Error('deploy/nginx-omechat.conf has no upstream server lines');
  const template = servers[0]!;
  site = site.replace(
    servers.join('\n'),
    nodes.map((s) => template.replace(/127\.0\.0\.1:\d+/, new URL(s.url).host)).join('\n'),
  );
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site}
}
`,
  );
  const nginx: ChildProcess = spawn(
    NGINX,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let nginxErr = '';
  nginx.stderr!.on('data', (d) => (nginxErr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited: ${nginxErr}${readLog(dir)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (tries > 100) throw new Error(`nginx did not answer: ${readLog(dir)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    nodes,
    nodeUrl: (i) => nodes[i]!.url,
    async connections() {
      return Promise.all(
        nodes.map(async (s) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return 0;
          const text = await (await fetch(`${s.url}/metrics`)).text();
          return Number(/^omechat_connections (\d+)/m.exec(text)?.[1] ?? NaN);
        }),
      );
    },
    async stop() {
      if (nginx.exitCode === null) {
        const exited = new Promise((r) => nginx.once('exit', r));
        nginx.kill('SIGTERM');
        await exited;
      }
      for (const s of nodes) await s.stop();
      rmSync(dir, { recursive: true, force: true });
      // The cluster's keys in Redis (queue, presence, network state): the next run starts clean.
      const r = new Redis(env.REDIS_URL);
      const keys = await r.keys(`${env.REDIS_KEY_PREFIX}*`);
      if (keys.length > 0) await r.del(...keys);
      r.disconnect();
    },
  };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8');
  } catch {
    return '';
  }
}
