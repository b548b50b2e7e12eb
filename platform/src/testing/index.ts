export * from './http';
export * from './test-issuer';
export * from './test-database';
export * from './server-database';
export * from './test-logger';
export * from './test-env';
export * from './migration-job-suite';
export * from './test-app';
