import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { Kit } from '../../shared/kits/kit.js'
import type { RubricDraft } from '../../shared/rubric/rubric.js'
import type { TimerState } from '../../shared/timer/timer.js'
import { bytea } from './bytea.js'

const ms = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const rooms = pgTable('rooms', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  mode: text('mode', { enum: ['peer', 'panel'] }).notNull(),
  level: text('level', { enum: ['mid', 'senior', 'staff'] }).notNull(),
  kitId: text('kit_id').notNull(),
  /**
   * The version of the kit the room was made with: a room never changes kit under its
   * interviewers. Kit versions never change once published (custom ones are rows of `kits`,
   * built-in ones live in shared/kits), so the room references one instead of copying it.
   */
  kitVersion: integer('kit_version').notNull(),
  questionId: text('question_id'),
  /** The current round: a peer swap starts round 2 with the roles exchanged. */
  round: integer('round').notNull().default(1),
  /** The current round's timer; past rounds keep theirs in room_rounds. */
  timer: jsonb('timer').$type<TimerState>().notNull(),
  /** Mirrors timer.version so compare-and-set is a plain column comparison. */
  timerVersion: integer('timer_version').notNull().default(0),
  createdAt: ms('created_at').notNull().defaultNow(),
  endedAt: ms('ended_at'),
})

export const inviteLinks = pgTable(
  'invite_links',
  {
    id: text('id').primaryKey(),
    roomId: text('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['interviewer', 'candidate', 'observer'] }).notNull(),
    label: text('label'),
    createdAt: ms('created_at').notNull().defaultNow(),
    expiresAt: ms('expires_at').notNull(),
    revokedAt: ms('revoked_at'),
    /**
     * The browser (a random id it keeps) that first opened the link where a seat is one person's
     * (a panel's interviewer links): another browser is told the seat is taken and offered its own.
     */
    claimedBy: text('claimed_by'),
    claimedAt: ms('claimed_at'),
  },
  (t) => [index('invite_links_room_idx').on(t.roomId)],
)

/** One row per realtime session of a person in a room (a join, and its leave). */
export const participants = pgTable(
  'participants',
  {
    id: text('id').primaryKey(),
    roomId: text('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    linkId: text('link_id').notNull(),
    role: text('role', { enum: ['interviewer', 'candidate', 'observer'] }).notNull(),
    name: text('name').notNull(),
    color: text('color').notNull(),
    joinedAt: ms('joined_at').notNull().defaultNow(),
    leftAt: ms('left_at'),
  },
  (t) => [index('participants_room_idx').on(t.roomId)],
)

/** Every accepted timer command (and other room-level moments), in order: replay's step marks. */
export const roomEvents = pgTable(
  'room_events',
  {
    roomId: text('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    round: integer('round').notNull().default(1),
    at: ms('at').notNull(),
    type: text('type').notNull(),
    participantId: text('participant_id'),
    payload: jsonb('payload').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.seq] })],
)

/** The Yjs update log, in order of receipt. Never compacted: it is the recording. */
export const yjsUpdates = pgTable(
  'yjs_updates',
  {
    roomId: text('room_id').notNull(),
    /** 'board' and 'private' for round 1, 'board:2', 'private:2' for round 2, and so on. */
    doc: text('doc').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: ms('at').notNull(),
    participantId: text('participant_id'),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.doc, t.seq] })],
)

/** Full document state after update `seq`: loading and seeking start from the nearest one. */
export const yjsKeyframes = pgTable(
  'yjs_keyframes',
  {
    roomId: text('room_id').notNull(),
    doc: text('doc').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: ms('at').notNull(),
    state: bytea('state').notNull(),
    /** Yjs update encoding of `state`: 1 (v1) or 2 (v2). */
    format: integer('format').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.doc, t.seq] }), index('yjs_keyframes_at_idx').on(t.roomId, t.doc, t.at)],
)

/** One row per round of a room: its question, and once it is over, its final timer. */
export const roomRounds = pgTable(
  'room_rounds',
  {
    roomId: text('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    round: integer('round').notNull(),
    questionId: text('question_id'),
    startedAt: ms('started_at').notNull(),
    /** The timer as it stood when the next round began (null for the current round). */
    finalTimer: jsonb('final_timer').$type<TimerState>(),
    feedbackSharedAt: ms('feedback_shared_at'),
    sharedRubricId: text('shared_rubric_id'),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.round] })],
)

/** One rubric per interviewer (invite link) per round. */
export const rubrics = pgTable(
  'rubrics',
  {
    id: text('id').primaryKey(),
    roomId: text('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    round: integer('round').notNull(),
    linkId: text('link_id').notNull(),
    interviewerName: text('interviewer_name').notNull(),
    draft: jsonb('draft').$type<RubricDraft>().notNull(),
    status: text('status', { enum: ['draft', 'submitted'] }).notNull().default('draft'),
    version: integer('version').notNull().default(1),
    updatedAt: ms('updated_at').notNull(),
    submittedAt: ms('submitted_at'),
  },
  (t) => [uniqueIndex('rubrics_room_round_link_idx').on(t.roomId, t.round, t.linkId)],
)

/** Custom kits, every version kept: a room points at the version it was made with. */
export const kits = pgTable(
  'kits',
  {
    id: text('id').notNull(),
    version: integer('version').notNull(),
    kit: jsonb('kit').$type<Kit>().notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.id, t.version] })],
)

/**
 * Nodes another node took for dead and wrote the unconfirmed updates of (several nodes, one shared
 * log). A node named here had only stalled: its own rows are from then on stored only where no
 * row of their document holds their bytes, so an update it and its taker both write is stored once.
 */
export const logFences = pgTable('log_fences', {
  nodeId: text('node_id').primaryKey(),
  at: ms('at').notNull().defaultNow(),
})
