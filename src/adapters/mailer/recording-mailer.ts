import { MailDeliveryError, type Mailer, type OutgoingEmail } from './mailer.js';

/** A mailer for unit tests: keeps what it is asked to send, and can be told to fail. */
export interface RecordingMailer extends Mailer {
  /** Every message handed over successfully, oldest first (copies, so later changes do not leak in). */
  readonly sent: OutgoingEmail[];
  /** Makes the next `send` reject with this error (a generic MailDeliveryError by default) and record nothing. */
  failNext(error?: MailDeliveryError): void;
}

export function createRecordingMailer(): RecordingMailer {
  const sent: OutgoingEmail[] = [];
  let pendingFailure: MailDeliveryError | null = null;
  return {
    sent,
    failNext(error = new MailDeliveryError('recording mailer: failure requested by the test')) {
      pendingFailure = error;
    },
    async send(email) {
      if (pendingFailure !== null) {
        const error = pendingFailure;
        pendingFailure = null;
        throw error;
      }
      sent.push(structuredClone(email));
    },
    async close() {},
  };
}
