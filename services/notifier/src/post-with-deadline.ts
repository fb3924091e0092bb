import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { type AddressPolicy, AddressRefused, guardedLookup } from '@tidings/runtime';
import { redactSecretUrl } from '@tidings/shared';
import { DeliveryError } from './errors/delivery-error.js';

/** How long one attempt may take, connect to last byte, unless told otherwise. */
export const DELIVERY_DEADLINE_MS = 10_000;

/** The most of an answer's body kept: room for the reason a receiver gives, nothing a receiver can flood. */
export const ANSWER_BODY_BYTES = 1024;

export interface OutboundPost {
  headers: Record<string, string | number>;
  /** The whole attempt: DNS, connect, sending, the answer's headers and body. */
  deadlineMs?: number;
  maxBodyBytes?: number;
  /**
   * Addresses this URL may not reach (a subscriber's webhook: no private addresses), checked
   * when the socket connects; unset for URLs the operator named.
   */
  addressPolicy?: AddressPolicy;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body's first bytes, at most maxBodyBytes of them. */
  body: Buffer;
}

/**
 * One POST, bounded in time and size. The deadline covers the whole exchange, not idle gaps,
 * so a receiver that trickles a byte at a time is cut off like one that says nothing. Reading
 * stops at the body's end, at maxBodyBytes or at the deadline, whichever comes first, and the
 * socket is then destroyed: no connection is pooled or left open, whatever the receiver does
 * with its body. An answer whose status arrived counts even when its body was cut short.
 */
export async function postWithDeadline(url: string, body: string, options: OutboundPost): Promise<Answer> {
  const shown = redactSecretUrl(url);
  const deadlineMs = options.deadlineMs ?? DELIVERY_DEADLINE_MS;
  const maxBodyBytes = options.maxBodyBytes ?? ANSWER_BODY_BYTES;
  const target = new URL(url);
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  // Node skips the lookup for an IP written in the URL, so that case is checked here.
  if (options.addressPolicy && net.isIP(literal) !== 0 && options.addressPolicy(literal) !== undefined) {
    throw new DeliveryError(shown, 'points at a loopback, private, link-local or metadata address', false);
  }
  const client = target.protocol === 'https:' ? https : http;
  return await new Promise<Answer>((resolve, reject) => {
    let answer: Omit<Answer, 'body'> | undefined;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      outcome();
    };
    const answered = (head: Omit<Answer, 'body'>) =>
      settle(() => resolve({ ...head, body: Buffer.concat(kept, keptBytes) }));
    const timer = setTimeout(() => {
      if (answer) answered(answer);
      else settle(() => reject(new DeliveryError(shown, `no answer within the ${deadlineMs} ms deadline`, true)));
    }, deadlineMs);
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: options.headers,
        agent: false,
        ...(options.addressPolicy ? { lookup: guardedLookup(options.addressPolicy) } : {}),
      },
      (response) => {
        const head = { status: response.statusCode ?? 0, headers: response.headers };
        answer = head;
        response.on('data', (chunk: Buffer) => {
          const part = chunk.subarray(0, maxBodyBytes - keptBytes);
          kept.push(part);
          keptBytes += part.length;
          if (keptBytes >= maxBodyBytes) answered(head);
        });
        response.on('end', () => answered(head));
        // The status is the answer; a body broken off after it changes nothing.
        response.on('error', () => answered(head));
      },
    );
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof AddressRefused || err.code === 'EADDRREFUSED') {
        settle(() =>
          reject(new DeliveryError(shown, 'resolves to a loopback, private, link-local or metadata address', false)),
        );
      } else
        settle(() => reject(new DeliveryError(shown, `no answer (${err.code ?? err.message})`, true, { cause: err })));
    });
    request.end(body);
  });
}
