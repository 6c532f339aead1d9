// The few platform APIs that browsers and Node (>= 20) both provide, for the packages that compile
// with neither DOM nor Node types (protocol, crypto): using anything else fails their typecheck.

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
