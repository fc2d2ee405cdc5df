// The part every mail source shares: parse one message's bytes, capture it under the policy,
// hand the observations to a sink, and turn anything that goes wrong into a problem naming the
// file and message, so one bad message never stops the rest.
import type { Observation } from '../../model/observations.js';
import { validateObservation } from '../../model/validate.js';
import type { SuggestionSighting } from '../../store/port.js';
import type { ImportProblem } from '../importer.js';
import { EmailCapture, parseMessage } from './capture.js';

export interface MessageInput {
  data: Buffer;
  truncated: boolean;
  size: number;
  record: string;
  folder?: string;
  fallbackDate?: Date;
}

export interface PipelineSink {
  emit(o: Observation): Promise<void> | void;
  /** Addresses seen under a `suggest` header (see SuggestionBuffer). */
  suggest(s: SuggestionSighting): Promise<void> | void;
  problem(p: ImportProblem): void;
}

/** Returns the post external id when the message was stored. */
export async function processMessage(capture: EmailCapture, file: string, m: MessageInput, sink: PipelineSink): Promise<string | undefined> {
  let mail;
  try {
    mail = await parseMessage(m.data, m.truncated);
  } catch (e) {
    sink.problem({ file, record: m.record, reason: `malformed message: ${(e as Error).message}` });
    return undefined;
  }
  let r;
  try {
    r = await capture.observe(mail, {
      record: m.record,
      raw: m.data,
      ...(m.folder !== undefined ? { folder: m.folder } : {}),
      ...(m.truncated ? { truncatedSize: m.size } : {}),
      ...(m.fallbackDate ? { fallbackDate: m.fallbackDate } : {}),
    });
  } catch (e) {
    sink.problem({ file, record: m.record, reason: `could not read message: ${(e as Error).message}` });
    return undefined;
  }
  for (const p of r.problems) sink.problem({ file, record: r.record, reason: p });
  // One bad observation would reject its whole batch in the store: check each here, drop and
  // report only the bad one.
  for (const o of r.observations) {
    try {
      validateObservation(o);
    } catch (e) {
      sink.problem({ file, record: r.record, reason: `dropped a ${o.type} observation: ${(e as Error).message}` });
      continue;
    }
    await sink.emit(o);
  }
  for (const s of r.suggestions) await sink.suggest(s);
  return r.post;
}

/** The date on an mbox envelope line (`From sender Thu Jan  1 00:00:00 2026`), if it has one. */
export function envelopeDate(envelope: string): Date | undefined {
  const m = /^From \S+\s+(.+)$/.exec(envelope);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]!.trim()} UTC`) || Date.parse(m[1]!.trim());
  return Number.isFinite(t) ? new Date(t) : undefined;
}
