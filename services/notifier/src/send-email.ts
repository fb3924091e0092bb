import { redactUrl } from '@tidings/shared';
import nodemailer, { type Transporter } from 'nodemailer';
import { DeliveryError } from './errors/delivery-error.js';
import type { EmailDigest } from './render-email.js';

export interface EmailMessage extends EmailDigest {
  from: string;
  to: string;
  unsubscribeUrl: string;
  deliveryId: string;
}

/** One transport per notifier process, from SMTP_URL (credentials stay in the URL, never in logs). */
export function createMailer(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl);
}

export async function sendEmail(mailer: Transporter, smtpUrl: string, message: EmailMessage): Promise<void> {
  try {
    await mailer.sendMail({
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      // One-click unsubscribe (RFC 8058): mail clients show it beside the sender.
      list: { unsubscribe: { url: message.unsubscribeUrl, comment: 'Unsubscribe' } },
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Tidings-Delivery': message.deliveryId },
    });
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    // 5xx from the server means this message will be refused again; anything else may pass later.
    const retryable = !(typeof code === 'number' && code >= 500 && code < 600);
    throw new DeliveryError(`SMTP ${redactUrl(smtpUrl)}`, (err as Error).message.slice(0, 200), retryable, {
      cause: err,
    });
  }
}
