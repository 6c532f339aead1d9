import {
  AppealsQuerySchema,
  AuditQuerySchema,
  BanRequestSchema,
  DecideAppealRequestSchema,
  ModerationIdSchema,
  ModeratorNameSchema,
  OmeChatError,
  ReportsQuerySchema,
  ResolveReportRequestSchema,
  UnbanRequestSchema,
  UserHashSchema,
  normalizeUsername,
  parseInput,
  usernameKey,
} from '@omechat/protocol';
import { OPERATOR_ACTOR, type Actor } from '../core/moderation/audit-log.js';
import type { createModerationDesk } from '../core/moderation/create-moderation-desk.js';
import type { AccountStore } from '../ports/store.js';
import * as fmt from './admin-format.js';

export type Desk = ReturnType<typeof createModerationDesk>;

export interface CommandContext {
  desk: Desk;
  store: AccountStore;
  /** Positional arguments after the command words. */
  args: string[];
  flags: Record<string, string | undefined>;
  /** The CLI's environment (network commands read the moderator token and port from it). */
  env?: Record<string, string | undefined>;
}

export interface AdminCommand {
  usage: string;
  /** Option names taking a value (all are strings); `--json` and `--help` are always allowed. */
  options: string[];
  /** Human-readable output; `--json` prints the returned value instead. */
  run(ctx: CommandContext): Promise<{ value: unknown; text: string }>;
}

const AS = '  --as NAME           the moderator taking the decision (recorded in the audit log)';

/** One positional argument, or a usage error. */
function arg(ctx: CommandContext, what: string): string {
  const v = ctx.args[0];
  if (!v || ctx.args.length > 1) throw new UsageError(`expected exactly one ${what}`);
  return v;
}

export class UsageError extends Error {}

/** Decisions are taken by a named moderator, so the audit log says who. */
async function moderator(ctx: CommandContext): Promise<Actor> {
  const name = ctx.flags.as;
  if (!name)
    throw new UsageError('--as NAME is required: decisions are recorded with the moderator who took them');
  return ctx.desk.moderators.byName(name);
}

/** An account by user_hash or username. */
async function account(ctx: CommandContext): Promise<string> {
  const v = arg(ctx, 'account (user_hash or username)');
  if (UserHashSchema.safeParse(v).success) return v;
  const name = normalizeUsername(v);
  const user = name ? await ctx.store.getUserByUsernameKey(usernameKey(name)) : null;
  if (!user) throw new OmeChatError('NOT_FOUND', { message: 'No account with this user_hash or username.' });
  return user.user_hash;
}

const id = (ctx: CommandContext, what: string) => parseInput(ModerationIdSchema, arg(ctx, what));
const defined = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export const ADMIN_COMMANDS: Record<string, AdminCommand> = {
  'reports list': {
    usage: `omechat admin reports list [--status open|resolved] [--reason REASON] [--limit N] [--json]

Open reports, most severe first (minors' safety), then oldest first.`,
    options: ['status', 'reason', 'limit'],
    async run(ctx) {
      const q = parseInput(
        ReportsQuerySchema,
        defined({ status: ctx.flags.status, reason: ctx.flags.reason, limit: ctx.flags.limit }),
      );
      const reports = await ctx.desk.moderation.listReports(q);
      return { value: { reports }, text: fmt.reportList(reports) };
    },
  },
  'reports show': {
    usage: `omechat admin reports show REPORT_ID [--json]

A report with its verified evidence, the reported account's record and internal notes.`,
    options: [],
    async run(ctx) {
      const report = await ctx.desk.moderation.showReport(id(ctx, 'REPORT_ID'));
      return { value: report, text: fmt.reportDetail(report) };
    },
  },
  'reports resolve': {
    usage: `omechat admin reports resolve REPORT_ID --action dismiss|warn|restrict|ban --statement TEXT --as NAME
                                [--duration 24h|7d|30d|permanent] [--rule REASON] [--json]

  --statement TEXT    the facts and reasons (shown to the account for warn, restrict and ban)
  --duration D        restrict: default 7d; ban: default from the escalation ladder
  --rule REASON       the rule broken, when it is not the reported reason
${AS}`,
    options: ['action', 'statement', 'duration', 'rule', 'as'],
    async run(ctx) {
      const report_id = id(ctx, 'REPORT_ID');
      const body = parseInput(
        ResolveReportRequestSchema,
        defined({
          action: ctx.flags.action,
          statement: ctx.flags.statement,
          duration: ctx.flags.duration,
          rule: ctx.flags.rule,
        }),
      );
      const r = await ctx.desk.moderation.resolveReport(await moderator(ctx), report_id, body);
      return {
        value: r,
        text: `report ${report_id} resolved: ${body.action}${r.strike ? `\n${fmt.strike(r.strike)}` : ''}`,
      };
    },
  },
  ban: {
    usage: `omechat admin ban ACCOUNT --rule REASON --statement TEXT --as NAME [--duration 24h|7d|30d|permanent] [--json]

ACCOUNT is a user_hash or a username. Without --duration the escalation ladder decides
(24h, 7d, 30d, permanent; permanent at once for sexual_content_minor).
${AS}`,
    options: ['rule', 'statement', 'duration', 'as'],
    async run(ctx) {
      const user_hash = await account(ctx);
      const body = parseInput(
        BanRequestSchema,
        defined({ rule: ctx.flags.rule, statement: ctx.flags.statement, duration: ctx.flags.duration }),
      );
      const strike = await ctx.desk.moderation.ban(await moderator(ctx), user_hash, body);
      return { value: { strike }, text: fmt.strike(strike) };
    },
  },
  unban: {
    usage: `omechat admin unban ACCOUNT --statement TEXT --as NAME [--json]

Lifts every ban and restriction in force on the account.
${AS}`,
    options: ['statement', 'as'],
    async run(ctx) {
      const user_hash = await account(ctx);
      const { statement } = parseInput(UnbanRequestSchema, defined({ statement: ctx.flags.statement }));
      const r = await ctx.desk.moderation.unban(await moderator(ctx), user_hash, statement);
      return { value: r, text: `lifted ${r.lifted} ban(s) or restriction(s)` };
    },
  },
  'appeals list': {
    usage: `omechat admin appeals list [--status open|decided] [--limit N] [--json]`,
    options: ['status', 'limit'],
    async run(ctx) {
      const q = parseInput(AppealsQuerySchema, defined({ status: ctx.flags.status, limit: ctx.flags.limit }));
      const appeals = await ctx.desk.moderation.listAppeals(q);
      return { value: { appeals }, text: fmt.appealList(appeals) };
    },
  },
  'appeals decide': {
    usage: `omechat admin appeals decide APPEAL_ID --decision uphold|overrule --reason TEXT --as NAME [--json]

  --reason TEXT       shown to the user as the reason of the decision
${AS}`,
    options: ['decision', 'reason', 'as'],
    async run(ctx) {
      const appeal_id = id(ctx, 'APPEAL_ID');
      const body = parseInput(
        DecideAppealRequestSchema,
        defined({ decision: ctx.flags.decision, reason: ctx.flags.reason }),
      );
      const appeal = await ctx.desk.moderation.decideAppeal(await moderator(ctx), appeal_id, body);
      return { value: appeal, text: `appeal ${appeal_id}: ${appeal.status}` };
    },
  },
  'moderators add': {
    usage: `omechat admin moderators add NAME [--json]

Prints the moderator's token once: give it to them over a safe channel. It is stored hashed.`,
    options: [],
    async run(ctx) {
      const name = parseInput(ModeratorNameSchema, arg(ctx, 'NAME'));
      const r = await ctx.desk.moderators.add(OPERATOR_ACTOR, name);
      return { value: r, text: `moderator ${name} added. Token (shown once):\n${r.token}` };
    },
  },
  'moderators remove': {
    usage: `omechat admin moderators remove NAME [--json]`,
    options: [],
    async run(ctx) {
      const name = parseInput(ModeratorNameSchema, arg(ctx, 'NAME'));
      await ctx.desk.moderators.remove(OPERATOR_ACTOR, name);
      return { value: { removed: name }, text: `moderator ${name} removed` };
    },
  },
  'moderators list': {
    usage: `omechat admin moderators list [--json]`,
    options: [],
    async run(ctx) {
      const moderators = await ctx.desk.moderators.list();
      return { value: { moderators }, text: fmt.moderatorList(moderators) };
    },
  },
  audit: {
    usage: `omechat admin audit [--limit N] [--before SEQ] [--json]

Every moderation action, newest first: when, who, what, on what, and why.`,
    options: ['limit', 'before'],
    async run(ctx) {
      const q = parseInput(AuditQuerySchema, defined({ limit: ctx.flags.limit, before: ctx.flags.before }));
      const entries = await ctx.desk.moderation.listAudit(q);
      return { value: { entries }, text: fmt.auditList(entries) };
    },
  },
};
