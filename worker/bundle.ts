import { FAILURE_CONVERTER_PATH } from '../platform/codec';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Bundles the workflow code once, so workers (and test files) start without bundling again. */
export async function buildWorkflowBundle(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never,
  });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return outFile;
}

if (require.main === module) {
  const out = process.argv[2] ?? path.resolve('dist/workflow-bundle.js');
  buildWorkflowBundle(out).then((file) => console.log(`workflow bundle written to ${file}`));
}
