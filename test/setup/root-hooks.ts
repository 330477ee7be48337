import { DefaultLogger, Runtime } from '@temporalio/worker';
import { stopTestServices } from './services.js';

// Worker state changes at info level would bury the test report.
Runtime.install({ logger: new DefaultLogger('WARN') });
// The SDK's notice that its 2027 releases need Node 22 says nothing about the code under test.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopTestServices();
  },
};
