export interface RelayLimits {
  /** Stop writing to a socket above this many buffered bytes; resume below lowWaterBytes. */
  highWaterBytes: number;
  lowWaterBytes: number;
  /** Delivered-but-unacknowledged envelopes per connection before it counts as congested. */
  maxInflight: number;
  /** Ciphertext bytes of those envelopes the server holds per connection before it counts as congested. */
  maxInflightBytes: number;
  /** How long a connection may stay congested before it is closed with SLOW_CONSUMER. */
  slowConsumerGraceMs: number;
  messagesPerSecond: number;
  messageBurst: number;
  envelopeTtlMs: number;
  drainPageSize: number;
  /** How long a device has to acknowledge a live envelope before it is parked in the store. */
  liveAckDeadlineMs: number;
  /**
   * When a live copy's sender is acknowledged (docs/protocol.md "Delivery guarantees"): `device`,
   * design (b), once the device acknowledged it or it was parked; `store`, design (a), once it is
   * written (group commit every `groupCommitMs`).
   */
  deliveryAck: 'device' | 'store';
  groupCommitMs: number;
  /**
   * A live copy sent to another node is stored by the sender's node if no settlement came back
   * within liveAckDeadlineMs + this (the recipient's node died, or the bus lost a message).
   */
  crossNodeMarginMs: number;
  /** Live copies one node may have out on other nodes at once; SERVICE_BUSY beyond. */
  maxCrossNodeCopies: number;
  /** Live copies to another node go out together every this many ms (their added latency at most). */
  crossNodeBatchMs: number;
  /** Answers for another node's copies go out together every this many ms (delays message.ack). */
  crossNodeSettleBatchMs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  highWaterBytes: 1 << 20,
  lowWaterBytes: 256 << 10,
  maxInflight: 2000,
  maxInflightBytes: 16 << 20,
  slowConsumerGraceMs: 15_000,
  messagesPerSecond: 20,
  messageBurst: 60,
  envelopeTtlMs: 30 * 86_400_000,
  drainPageSize: 100,
  liveAckDeadlineMs: 1000,
  deliveryAck: 'device',
  groupCommitMs: 2,
  crossNodeMarginMs: 2000,
  maxCrossNodeCopies: 20_000,
  crossNodeBatchMs: 25,
  crossNodeSettleBatchMs: 50,
};
