export * from './money';
export * from './errors';
export * from './entities';
export * from './migrations';
export * from './data-source';
export * from './repositories/external-id.registry';
export * from './repositories/idempotency.repository';
export * from './repositories/payments.repository';
