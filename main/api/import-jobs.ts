// Imports started from the app: each runs in the background through the same importer registry
// as `skrode import`, and its progress is kept in an ImportJobDto the renderer polls. A bad record
// is a problem on the job; a failed import fails its job, never the process.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ImportJobDto, ImporterDto } from '../../shared/api.js';
import type { Store } from '../store/port.js';
import { ApiError } from './errors.js';

const KEPT_PROBLEMS = 100;
const KEPT_JOBS = 50;

interface Running {
  dto: ImportJobDto;
  controller: AbortController;
  done: Promise<void>;
}

export class ImportJobs {
  private readonly jobs = new Map<string, Running>();

  constructor(private readonly store: Store) {}

  async importers(): Promise<ImporterDto[]> {
    const { registerAllImporters, registeredImporters } = await import('../sources/all.js');
    await registerAllImporters();
    return registeredImporters().map((i) => ({ name: i.name, description: i.description }));
  }

  async start(file: string, as?: string): Promise<ImportJobDto> {
    const abs = path.resolve(file);
    if (!existsSync(abs)) throw new ApiError(`${abs}: no such file or folder`, 'not-found');
    const { chooseImporter } = await import('../cli/import-run.js');
    let importer;
    try {
      importer = await chooseImporter(abs, as);
    } catch (e) {
      throw new ApiError((e as Error).message.replace(/^import: /, ''), 'invalid');
    }
    const dto: ImportJobDto = {
      id: randomUUID(),
      path: abs,
      importer: importer.name,
      state: 'running',
      done: 0,
      total: null,
      unit: 'bytes',
      observations: 0,
      problems: [],
      problemCount: 0,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    const controller = new AbortController();
    const done = (async () => {
      try {
        const summary = await importer.run(abs, {
          store: this.store,
          signal: controller.signal,
          problem: (p) => {
            dto.problemCount++;
            if (dto.problems.length < KEPT_PROBLEMS) dto.problems.push(p.record === undefined ? { file: p.file, reason: p.reason } : { file: p.file, record: p.record, reason: p.reason });
          },
          progress: (p) => {
            dto.done = p.done;
            dto.total = p.total ?? null;
            dto.unit = p.unit;
          },
        });
        dto.observations = summary.observations;
        if (dto.total !== null) dto.done = dto.total;
        dto.state = controller.signal.aborted ? 'cancelled' : 'done';
      } catch (e) {
        dto.state = controller.signal.aborted ? 'cancelled' : 'failed';
        dto.error = (e as Error).message ?? String(e);
      } finally {
        dto.finishedAt = new Date().toISOString();
      }
    })();
    this.jobs.set(dto.id, { dto, controller, done });
    this.forgetOld();
    return { ...dto, problems: [...dto.problems] };
  }

  get(id: string): ImportJobDto | null {
    const j = this.jobs.get(id);
    return j ? { ...j.dto, problems: [...j.dto.problems] } : null;
  }

  list(): ImportJobDto[] {
    return [...this.jobs.values()].map((j) => ({ ...j.dto, problems: [...j.dto.problems] })).reverse();
  }

  cancel(id: string): void {
    const j = this.jobs.get(id);
    if (!j) throw new ApiError(`no import job ${id}`, 'not-found');
    j.controller.abort();
  }

  /** Stop every running import after its batch in hand and wait for them (on shutdown). */
  async close(): Promise<void> {
    for (const j of this.jobs.values()) j.controller.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  /** Wait for a job to finish (tests, shutdown). */
  async wait(id: string): Promise<ImportJobDto | null> {
    await this.jobs.get(id)?.done;
    return this.get(id);
  }

  private forgetOld(): void {
    for (const [id, j] of this.jobs) {
      if (this.jobs.size <= KEPT_JOBS) break;
      if (j.dto.state !== 'running') this.jobs.delete(id);
    }
  }
}
