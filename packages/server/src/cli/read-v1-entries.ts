import { createReadStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream';
import streamObject from 'stream-json/streamers/stream-object.js';
import type { V1Entry } from '../core/v1-import/v1-importer.js';

export interface V1EntrySource {
  entries: AsyncIterable<V1Entry>;
  /** Bytes read from the file so far (for progress; the parser reads a little ahead). */
  bytesRead(): number;
  size: number;
}

/**
 * The top-level properties of a v1 data file, one at a time: the file is parsed as it streams
 * (stream-json), so only the entry in hand and the reader's buffers are in memory, whatever its size.
 */
export function readV1Entries(path: string): V1EntrySource {
  const size = statSync(path).size;
  const file = createReadStream(path);
  const parser = streamObject.withParserAsStream();
  // pipeline forwards a read error (or the parser's) to the iterator below and closes the file.
  pipeline(file, parser, () => undefined);
  return {
    entries: parser as AsyncIterable<V1Entry>,
    bytesRead: () => file.bytesRead,
    size,
  };
}
