/**
 * Once per test run: a MySQL server for the tests. DATABASE_URL names one
 * (CI starts MariaDB and sets it); without it, testcontainers starts the
 * locally built MariaDB image. Each test file then makes its own database.
 */
import Docker from 'dockerode';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string;
  }
}

let container: StartedTestContainer | undefined;

const requiredImages = ['berth-test/busybox:latest', 'berth-test/nginx:latest', 'berth-test/mariadb:latest'];

/** The tests run locally built images only: say how to build them rather than fail obscurely later. */
async function checkTestImages(): Promise<void> {
  const docker = new Docker();
  const missing: string[] = [];
  for (const image of requiredImages) {
    await docker.getImage(image).inspect().catch(() => missing.push(image));
  }
  if (missing.length) {
    throw new Error(`Missing test images ${missing.join(', ')}: run \`bash test/images/build.sh\` (as root) first.`);
  }
}

export async function setup(project: TestProject) {
  await checkTestImages();
  let url = process.env.DATABASE_URL;
  if (!url) {
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
    container = await new GenericContainer(process.env.BERTH_TEST_MYSQL_IMAGE ?? 'berth-test/mariadb:latest')
      .withEnvironment({ MYSQL_ROOT_PASSWORD: 'berth-test' })
      .withExposedPorts(3306)
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
    url = `mysql://root:berth-test@127.0.0.1:${container.getMappedPort(3306)}/mysql`;
  }
  project.provide('databaseServerUrl', url);
}

export async function teardown() {
  await container?.stop();
}
