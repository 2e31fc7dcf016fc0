// The connection helpers fail loudly — never skip — when the services are not there, and read
// both the local state files and external services' variables.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  kubeConfigPath,
  minioConnection,
  minioConnectionFrom,
  usesExternalServices,
} from '../../support/dev-services.js';

t.test('missing state files fail with the reason and how to start the services', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'klarsyn-dev-state-'));
  t.throws(() => kubeConfigPath({ env: {}, stateDir: empty }), {
    code: 'DEV_SERVICES_UNAVAILABLE',
    message: /kubeconfig is missing; start them with `make dev-up`/,
  });
  t.throws(() => minioConnection({ env: {}, stateDir: empty }), {
    code: 'DEV_SERVICES_UNAVAILABLE',
    message: /minio\.env is missing/,
  });
});

t.test('state files written by up.sh are read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-dev-state-'));
  writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\n');
  writeFileSync(
    join(dir, 'minio.env'),
    'MINIO_ENDPOINT=http://127.0.0.1:17900\nMINIO_PORT=17900\nMINIO_USE_SSL=false\nMINIO_ACCESS_KEY=ak\nMINIO_SECRET_KEY=sk\n',
  );
  t.equal(kubeConfigPath({ env: {}, stateDir: dir }), join(dir, 'kubeconfig'));
  t.match(minioConnection({ env: {}, stateDir: dir }), {
    url: 'http://127.0.0.1:17900',
    endPoint: '127.0.0.1',
    port: 17900,
    useSSL: false,
    accessKey: 'ak',
    secretKey: 'sk',
    region: 'us-east-1',
  });
});

t.test('external services need all of KUBECONFIG and the MinIO variables', async (t) => {
  const external = {
    KUBECONFIG: '/k',
    MINIO_ENDPOINT: 'https://s3.example.org',
    MINIO_ACCESS_KEY: 'a',
    MINIO_SECRET_KEY: 's',
  };
  t.ok(usesExternalServices(external));
  t.notOk(
    usesExternalServices({ KUBECONFIG: '/home/me/.kube/config' }),
    'an everyday KUBECONFIG alone is not enough',
  );
  t.equal(kubeConfigPath({ env: external, stateDir: '/nonexistent' }), '/k');
  t.match(minioConnection({ env: external, stateDir: '/nonexistent' }), {
    endPoint: 's3.example.org',
    port: 443,
    useSSL: true,
  });
  t.match(minioConnectionFrom({ ...external, MINIO_ENDPOINT: 'minio.internal', MINIO_PORT: '9000' }), {
    url: 'http://minio.internal:9000',
    useSSL: false,
  });
  t.throws(() => minioConnectionFrom({ MINIO_ENDPOINT: 'x' }), {
    message: /MINIO_ACCESS_KEY, MINIO_SECRET_KEY not set/,
  });
});
