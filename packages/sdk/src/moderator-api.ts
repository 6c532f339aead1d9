import {
  AccountSummarySchema,
  AddModeratorResponseSchema,
  AdminAppealSchema,
  AppealListSchema,
  AuditListSchema,
  BanResponseSchema,
  BulkDismissResponseSchema,
  ModeratorListSchema,
  NoteSchema,
  ReportDetailSchema,
  ReportListSchema,
  ResolveReportResponseSchema,
  UnbanResponseSchema,
  type AccountSummary,
  type AdminAppeal,
  type AuditEntry,
  type BanRequest,
  type DecideAppealRequest,
  type ModeratorInfo,
  type Note,
  type ReportDetail,
  type ReportReason,
  type ReportSummary,
  type ResolveReportRequest,
  type StrikeView,
} from '@omechat/protocol';
import { HttpApi, type FetchLike, type Schema } from './http-api.js';

export type { Note };
export type NoteTarget = 'reports' | 'appeals';

function query(q: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** A moderator token: `m<32 hex>.<64 alphanumerics>` (never a user's access token). */
export const MODERATOR_TOKEN_PATTERN = /^m[0-9a-f]{32}\.[A-Za-z0-9]{64}$/;

/**
 * The moderators' admin API (/api/v1/admin, docs/protocol.md) for the moderation page and tools.
 * Authenticated with a moderator token only; every answer is parsed with the protocol's schemas.
 */
export class ModeratorApi {
  private readonly http: HttpApi;

  constructor(
    baseUrl: string,
    private readonly token: string,
    fetchImpl?: FetchLike,
  ) {
    this.http = new HttpApi(baseUrl, fetchImpl);
  }

  private call<T>(method: string, path: string, schema?: Schema<T>, body?: unknown): Promise<T> {
    return this.http.call<T>(method, `/admin${path}`, {
      bearer: this.token,
      ...(schema ? { schema } : {}),
      ...(body !== undefined ? { body } : {}),
    });
  }

  /** The moderators; also how the page checks a token when a moderator signs in. */
  async moderators(): Promise<ModeratorInfo[]> {
    return (await this.call('GET', '/moderators', ModeratorListSchema)).moderators;
  }

  async addModerator(name: string): Promise<{ moderator: ModeratorInfo; token: string }> {
    return this.call('POST', '/moderators', AddModeratorResponseSchema, { name });
  }

  async reports(
    q: { status?: 'open' | 'resolved'; reason?: ReportReason; reported?: string; limit?: number } = {},
  ): Promise<ReportSummary[]> {
    const qs = query(q);
    return (await this.call('GET', `/reports${qs}`, ReportListSchema)).reports;
  }

  report(report_id: string): Promise<ReportDetail> {
    return this.call('GET', `/reports/${encodeURIComponent(report_id)}`, ReportDetailSchema);
  }

  resolveReport(
    report_id: string,
    body: ResolveReportRequest,
  ): Promise<{ report: ReportDetail; strike: StrikeView | null }> {
    return this.call(
      'POST',
      `/reports/${encodeURIComponent(report_id)}/resolve`,
      ResolveReportResponseSchema,
      body,
    );
  }

  /** Dismisses a report flood: listed reports, or every open report against one account. */
  async dismissReports(body: {
    report_ids?: string[];
    reported?: string;
    statement: string;
  }): Promise<number> {
    return (await this.call('POST', '/reports/dismiss', BulkDismissResponseSchema, body)).dismissed;
  }

  addNote(target: NoteTarget, id: string, text: string): Promise<Note> {
    return this.call('POST', `/${target}/${encodeURIComponent(id)}/notes`, NoteSchema, { text });
  }

  account(user_hash: string): Promise<AccountSummary> {
    return this.call('GET', `/accounts/${encodeURIComponent(user_hash)}`, AccountSummarySchema);
  }

  async ban(user_hash: string, body: BanRequest): Promise<StrikeView> {
    return (
      await this.call('POST', `/accounts/${encodeURIComponent(user_hash)}/ban`, BanResponseSchema, body)
    ).strike;
  }

  async unban(user_hash: string, statement: string): Promise<number> {
    return (
      await this.call('POST', `/accounts/${encodeURIComponent(user_hash)}/unban`, UnbanResponseSchema, {
        statement,
      })
    ).lifted;
  }

  async appeals(q: { status?: 'open' | 'decided'; limit?: number } = {}): Promise<AdminAppeal[]> {
    const qs = query(q);
    return (await this.call('GET', `/appeals${qs}`, AppealListSchema)).appeals;
  }

  appeal(appeal_id: string): Promise<AdminAppeal> {
    return this.call('GET', `/appeals/${encodeURIComponent(appeal_id)}`, AdminAppealSchema);
  }

  decideAppeal(appeal_id: string, body: DecideAppealRequest): Promise<AdminAppeal> {
    return this.call('POST', `/appeals/${encodeURIComponent(appeal_id)}/decide`, AdminAppealSchema, body);
  }

  async audit(q: { limit?: number; before?: number } = {}): Promise<AuditEntry[]> {
    const qs = query(q);
    return (await this.call('GET', `/audit${qs}`, AuditListSchema)).entries;
  }
}
