import {
  LiftNetworkBanRequestSchema,
  ModerationIdSchema,
  NetworkBanRequestSchema,
  NetworkBanViewSchema,
  OmeChatError,
  parseInput,
  type ErrorCode,
} from '@omechat/protocol';
import { z } from 'zod';
import type { AdminCommand, CommandContext } from './admin-commands.js';
import { UsageError } from './admin-commands.js';

const SERVER = `  --server URL        the running server (default: http://127.0.0.1:$PORT, PORT from the environment)

Network bans live only in the running server's memory (nothing about a network is written to disk),
so these commands ask that server through the admin API, as the moderator whose token is in
OMECHAT_MODERATOR_TOKEN.`;

/** Calls the running server's admin API with the moderator token from the environment. */
async function adminApi(ctx: CommandContext, method: string, path: string, body?: unknown): Promise<unknown> {
  const token = ctx.env?.OMECHAT_MODERATOR_TOKEN;
  if (!token) throw new UsageError('OMECHAT_MODERATOR_TOKEN must hold your moderator token');
  const base = ctx.flags.server ?? `http://127.0.0.1:${ctx.env?.PORT ?? '8080'}`;
  const res = await fetch(new URL(`/api/v1/admin${path}`, base), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as { error?: { code: ErrorCode; message: string } }) : null;
  if (!res.ok) {
    const e = json?.error;
    throw new OmeChatError(e?.code ?? 'INTERNAL', e ? { message: e.message } : {});
  }
  return json;
}

const one = (ctx: CommandContext, what: string): string => {
  if (ctx.args.length !== 1) throw new UsageError(`expected exactly one ${what}`);
  return parseInput(ModerationIdSchema, ctx.args[0]);
};

const fmtBan = (b: z.infer<typeof NetworkBanViewSchema>) =>
  `${b.ban_id}  report ${b.report_id}  until ${new Date(b.ends_at).toISOString()}  by ${b.moderator}: ${b.reason}`;

export const NETWORK_COMMANDS: Record<string, AdminCommand> = {
  'network ban': {
    usage: `omechat admin network ban REPORT_ID --hours H --reason TEXT [--server URL] [--json]

Bans, for H hours (at most 72), the network the reported account last signed up or in from.
${SERVER}`,
    options: ['hours', 'reason', 'server'],
    async run(ctx) {
      const report_id = one(ctx, 'REPORT_ID');
      const body = parseInput(NetworkBanRequestSchema, {
        hours: Number(ctx.flags.hours),
        reason: ctx.flags.reason,
      });
      const r = z
        .object({ ban: NetworkBanViewSchema })
        .parse(await adminApi(ctx, 'POST', `/reports/${report_id}/network-ban`, body));
      return { value: r, text: `network ban ${fmtBan(r.ban)}` };
    },
  },
  'network list': {
    usage: `omechat admin network list [--server URL] [--json]

Lists the network bans in force (never the network itself).
${SERVER}`,
    options: ['server'],
    async run(ctx) {
      const r = z
        .object({ bans: z.array(NetworkBanViewSchema) })
        .parse(await adminApi(ctx, 'GET', '/network-bans'));
      return { value: r, text: r.bans.length ? r.bans.map(fmtBan).join('\n') : 'no network bans' };
    },
  },
  'network lift': {
    usage: `omechat admin network lift BAN_ID --reason TEXT [--server URL] [--json]
${SERVER}`,
    options: ['reason', 'server'],
    async run(ctx) {
      const ban_id = one(ctx, 'BAN_ID');
      const body = parseInput(LiftNetworkBanRequestSchema, { reason: ctx.flags.reason });
      await adminApi(ctx, 'POST', `/network-bans/${ban_id}/lift`, body);
      return { value: { lifted: ban_id }, text: `network ban ${ban_id} lifted` };
    },
  },
};
