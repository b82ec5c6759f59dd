/** Messages between the server's thread and the embedded database's (pglite-thread.ts, pglite-host.ts). */

/** `tx`: the open transaction a statement belongs to, or null for one on its own. */
export type HostRequest =
  | { id: number; op: 'query'; tx: number | null; sql: string; params: unknown[]; rowMode: 'array' | 'object' | undefined; textTypes: number[] }
  | { id: number; op: 'exec'; tx: number | null; sql: string }
  /** COPY … FROM '/dev/blob' with these bytes as the file. */
  | { id: number; op: 'copy'; tx: number | null; sql: string; bytes: Uint8Array }
  /** Answered with the transaction's number once BEGIN has run. */
  | { id: number; op: 'begin' }
  /** Answered once the transaction has committed (or rolled back). */
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' }

export type HostReply =
  | { id: number; result: unknown; error?: undefined }
  | { id: number; error: { message: string; fields: Record<string, string | number> }; result?: undefined }
