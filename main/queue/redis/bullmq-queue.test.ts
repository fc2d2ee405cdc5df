import { randomBytes } from 'node:crypto';
import { afterAll, describe } from 'vitest';
import { deleteRedisPrefix, REDIS_URL, redisAvailable } from '../../../test/services.js';
import { jobQueueContract } from '../contract.test-suite.js';
import { RedisJobQueue } from './bullmq-queue.js';

const prefix = `skrode-test-${randomBytes(4).toString('hex')}`;

describe.runIf(await redisAvailable())('redis (BullMQ)', () => {
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
  });
  let n = 0;
  jobQueueContract('redis', async (options, sameAs) => new RedisJobQueue(sameAs?.name ?? `/queue/test${n++}/ready`, { url: REDIS_URL }, { ...options, prefix }));
});
