import type { z } from 'zod';
import { OmeChatError, type InputIssue } from './omechat-error.js';
import type { ErrorCode } from './error-catalogue.js';

/**
 * Parse untrusted input with a schema; a failure becomes a typed INVALID_INPUT (or the given code)
 * listing the paths and problems, never the offending values (they may be secrets).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: ErrorCode = 'INVALID_INPUT',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.slice(0, 10).map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    problem: i.code === 'unrecognized_keys' ? 'unknown field' : i.code,
  }));
  throw new OmeChatError(code, { issues });
}
