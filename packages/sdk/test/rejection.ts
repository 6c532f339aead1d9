import { expect } from 'vitest';
import { OmeChatError } from '@omechat/protocol';

/** Awaits a promise that must reject with an OmeChatError, and returns that error. */
export async function rejection(p: Promise<unknown>): Promise<OmeChatError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OmeChatError);
    return e as OmeChatError;
  }
  throw new Error('expected a rejection');
}
