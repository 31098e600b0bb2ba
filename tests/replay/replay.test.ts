import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dataConverter } from '../../platform/codec';
import { quietTemporalLogs } from '../support/stack';

const dir = path.join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb'));

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

// A change that breaks determinism of a running workflow fails here: guard it with patched().
test.each(files)('%s replays against the current workflow code', async (file) => {
  quietTemporalLogs();
  const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
  const result = await Worker.runReplayHistory(
    // Recorded histories hold encrypted payloads (development key); plain ones pass through the codec.
    { workflowBundle: { codePath: process.env.SIRA_TEST_WORKFLOW_BUNDLE! }, dataConverter: dataConverter({ NODE_ENV: 'test' }) },
    history,
    file.replace(/\.binpb$/, ''),
  );
  expect(result).toBeUndefined();
});
