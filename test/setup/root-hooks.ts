import { stopTestServices } from './services.js';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopTestServices();
  },
};
