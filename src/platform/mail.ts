import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from './logger.ts';

export type Mail = { to: string; subject: string; text: string };

/**
 * Sends mail through SMTP (`SMTP_URL`). Without SMTP, the message is written to the log instead, so a
 * lone install can still read its password-reset link there.
 */
export class Mailer {
  readonly #transport: Transporter | null;
  readonly #from: string;
  readonly #log: Logger;

  constructor(opts: { smtpUrl: string | undefined; from: string; log: Logger }) {
    this.#transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
    this.#from = opts.from;
    this.#log = opts.log;
  }

  get configured(): boolean {
    return this.#transport !== null;
  }

  async send(mail: Mail): Promise<void> {
    if (!this.#transport) {
      this.#log.info({ mailTo: mail.to, subject: mail.subject }, `SMTP not configured; mail not sent:\n${mail.text}`);
      return;
    }
    await this.#transport.sendMail({ from: this.#from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    this.#transport?.close();
  }
}
