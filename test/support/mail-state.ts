import type { OperationId } from '../../src/contract/generated.js';
import { expectContract, expectError, type ApiResponse, type TestApp } from './app.js';

// What a failed delivery must leave behind: the error envelope, and the ticket slot untouched.

/** A delivery failure: the internal-server-error envelope, as the contract says. */
export function expectMailFailure(operationId: OperationId, res: ApiResponse): void {
  expectError(res, 500, 'internal-server-error');
  expectContract(operationId, res);
}

export interface TicketState {
  ticket: string | null;
  ticketExpiresAt: string;
  newEmail: string | null;
}

/** The user's ticket slot and pending address, to compare before and after a failure. */
export async function ticketState(t: TestApp, userId: string): Promise<TicketState> {
  const r = await t.db.query<{ ticket: string | null; ticket_expires_at: Date; new_email: string | null }>(
    'SELECT ticket, ticket_expires_at, new_email::text AS new_email FROM auth.users WHERE id = $1',
    [userId],
  );
  const row = r.rows[0]!;
  return { ticket: row.ticket, ticketExpiresAt: new Date(row.ticket_expires_at).toISOString(), newEmail: row.new_email };
}
