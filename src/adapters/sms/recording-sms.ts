import { SmsDeliveryError, type SmsCode, type SmsTextSender } from './sms.js';

/** An SMS sender for tests: keeps what it is asked to send, and can be told to fail. */
export interface RecordingSmsSender extends SmsTextSender {
  /** Every code handed over successfully, oldest first. */
  readonly sent: SmsCode[];
  /** Makes the next `sendCode` reject with this error (a generic SmsDeliveryError by default) and record nothing. */
  failNext(error?: SmsDeliveryError): void;
}

export function createRecordingSmsSender(): RecordingSmsSender {
  const sent: SmsCode[] = [];
  let pendingFailure: SmsDeliveryError | null = null;
  return {
    kind: 'text',
    sent,
    failNext(error = new SmsDeliveryError('recording SMS sender: failure requested by the test')) {
      pendingFailure = error;
    },
    async sendCode(message) {
      if (pendingFailure !== null) {
        const error = pendingFailure;
        pendingFailure = null;
        throw error;
      }
      sent.push({ ...message });
    },
  };
}
