import { randomBytes } from 'node:crypto';
import { afterAll, describe } from 'vitest';
import { Redis } from 'ioredis';
import { REDIS_URL, redisAvailable } from '../../../test/services.js';
import { jobQueueContract } from '../contract.test-suite.js';
import { RedisJobQueue } from './bullmq-queue.js';

const prefix = `skrode-test-${randomBytes(4).toString('hex')}`;

describe.runIf(await redisAvailable())('redis (BullMQ)', () => {
  afterAll(async () => {
    const r = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
    await r.quit();
  });
  let n = 0;
  jobQueueContract('redis', async (options, sameAs) => new RedisJobQueue(sameAs?.name ?? `/queue/test${n++}/ready`, { url: REDIS_URL }, { ...options, prefix }));
});
