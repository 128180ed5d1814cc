/** One message of a chat transcript, as the chat showed it. */
export interface TranscriptMessage {
  /** The name shown beside the message at the time. */
  authorName: string;
  /** The person who wrote it, when known. */
  authorId?: string | null;
  /** True for the agent's messages. */
  fromStaff: boolean;
  body: string;
  /** When it was written. */
  at: Date;
}

/** A conversation that ended outside the ticket forms (a live chat), to keep as a support ticket. */
export interface ChatTranscript {
  /** The member or organization admin who asked: the ticket's requester. */
  requesterId: string;
  /** The requester's organization. */
  organizationId: string;
  /** The ticket's subject (cut to 150 characters, as the ticket form allows). */
  subject: string;
  /** The messages, oldest first; at least one. */
  transcript: TranscriptMessage[];
  /** The agent who answered, if any: the ticket's assignee. */
  agentId?: string | null;
  /** True when the agent closed the conversation as resolved: the ticket starts `solved`, else `open`. */
  resolved?: boolean;
}

/**
 * A port for plugins: saves a chat transcript as a support ticket of the
 * requester's organization (category `other`, urgency `normal`), with one
 * ticket message per transcript message, in the caller's transaction when
 * there is one. Records `ticket.created` with `source: chat`. Answered by the
 * support module.
 */
export abstract class SupportTickets {
  /** The new ticket's id. */
  abstract openFromChat(input: ChatTranscript): Promise<{ id: string }>;
}
