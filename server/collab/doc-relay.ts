/**
 * How a live document reaches the same document on other nodes (REDIS_URL; realtime/redis-doc-relay.ts
 * over Redis Streams). Without several nodes there is none, and the hot path makes no call at all.
 */
export interface DocRelay {
  /**
   * Starts relaying a document that just loaded from the log: applies what other nodes accepted
   * that the log may not hold yet (their unflushed updates), then follows them. Resolves once the
   * document has caught up as far as Redis can tell now; never rejects (without Redis the
   * document is this node's alone until Redis is back, when the nodes resync).
   */
  open(doc: RelayedDoc): Promise<RelayLink>
}

/** A document as the relay drives it. */
export interface RelayedDoc {
  readonly roomId: string
  readonly name: string
  /**
   * Applies an update another node accepted (logged by that node). 'changed' or 'unchanged' (this
   * node had all of it already); 'missing': it depends on what this node lacks.
   */
  applyRemote(update: Uint8Array): 'changed' | 'unchanged' | 'missing'
  /** Applies another node's awareness update of the clients of one invite link (`linkId`; `silent`: a hiring panel's observers). */
  applyRemoteAwareness(update: Uint8Array, linkId: string, silent: boolean): void
  /** This node's state vector, for another node to answer with what this one lacks. */
  stateVector(): Uint8Array
  /** What this node holds that a node at `stateVector` lacks; null when nothing. */
  diff(stateVector: Uint8Array): Uint8Array | null
  /** Every awareness state this node's sockets own, one update per invite link (for a node that just loaded). */
  awarenessSnapshot(): Array<{ update: Uint8Array; linkId: string; silent: boolean }>
}

/** One document's side of the relay. */
export interface RelayLink {
  /** Publishes an update this node accepted (and logged, through `linkId`), to the nodes that hold the document. */
  update(update: Uint8Array, linkId: string): void
  /** Publishes an awareness change of this node's sockets of one invite link (`silent`: hidden from a panel's candidate). */
  awareness(update: Uint8Array, linkId: string, silent: boolean): void
  /** Stops relaying (the document unloaded). */
  close(): void
}
