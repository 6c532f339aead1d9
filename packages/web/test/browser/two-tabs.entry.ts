// Bundled for Chromium by two-tabs.e2e.test.ts: one account's client in each tab, on one IndexedDB.
import { IndexedDbKeyStore, OmeChatClient } from '@omechat/sdk';

let client: OmeChatClient | null = null;
const errors: string[] = [];

const harness = {
  /** Puts a signed-in device's records (made in Node) into this origin's key store. */
  async seed(records: [string, unknown][]): Promise<void> {
    await new IndexedDbKeyStore().write(records.map(([key, value]) => ({ key, value })));
  },
  /** Restores the device from the shared store and connects, as the web app does on load. */
  async start(baseUrl: string): Promise<string> {
    client = await OmeChatClient.restore({ baseUrl, keyStore: new IndexedDbKeyStore() });
    if (!client) throw new Error('nothing to restore');
    client.on('error', (e) => errors.push(e.code));
    await client.connect();
    return client.client_hash;
  },
  async findStranger(): Promise<string> {
    return client!.findStranger(2);
  },
  async chats(): Promise<string[]> {
    return (await client!.listChats()).map((c) => c.chat_id);
  },
  /** Sends all texts at once (each is stored, encrypted and delivered in the background). */
  async send(chat_id: string, texts: string[]): Promise<void> {
    await Promise.all(texts.map((t) => client!.sendText(chat_id, t)));
  },
  async statuses(chat_id: string): Promise<string[]> {
    return (await client!.history(chat_id)).map((m) => m.status);
  },
  errors(): string[] {
    return errors.slice();
  },
};

(globalThis as unknown as { omechatTabs: typeof harness }).omechatTabs = harness;
