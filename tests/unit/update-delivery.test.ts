import { ServiceError, type WorkflowHandle } from '@temporalio/client';
import { defineUpdate } from '@temporalio/workflow';
import { executeUpdate, isAbortedUpdate } from '../../platform/update-delivery';

/** A gRPC error as @grpc/grpc-js raises it. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}
const aborted = () =>
  new ServiceError('Workflow Update failed', { cause: grpcError(9, 'Unable to perform workflow execution update due to unexpected workflow task failure.') });

const step = defineUpdate<string, [{ n: number }]>('step');

/** A handle whose executeUpdate answers with each of `outcomes` in turn, recording the Update IDs it was sent. */
function handleAnswering(outcomes: (string | Error)[]) {
  const ids: (string | undefined)[] = [];
  const handle = {
    async executeUpdate(_def: unknown, options: { updateId?: string }) {
      ids.push(options.updateId);
      const outcome = outcomes.shift()!;
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  } as unknown as WorkflowHandle;
  return { handle, ids };
}

test('an Update dropped with its workflow task is told apart from every other failure', () => {
  expect(isAbortedUpdate(aborted())).toBe(true);
  expect(isAbortedUpdate(new ServiceError('Workflow Update failed', { cause: grpcError(9, 'workflow execution already completed') }))).toBe(false);
  expect(isAbortedUpdate(new ServiceError('Workflow Update failed', { cause: grpcError(14, 'unexpected workflow task failure') }))).toBe(false);
  expect(isAbortedUpdate(new Error('unexpected workflow task failure'))).toBe(false);
  expect(isAbortedUpdate(undefined)).toBe(false);
});

test('a dropped Update is sent again under the same Update ID, and its answer returned', async () => {
  const { handle, ids } = handleAnswering([aborted(), aborted(), 'done']);
  await expect(executeUpdate(handle, step, { args: [{ n: 1 }], updateId: 'op-1' })).resolves.toBe('done');
  expect(ids).toEqual(['op-1', 'op-1', 'op-1']);
});

test('without an Update ID one is made up once and kept for every attempt', async () => {
  const { handle, ids } = handleAnswering([aborted(), 'done']);
  await executeUpdate(handle, step, { args: [{ n: 1 }] });
  expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(ids[1]).toBe(ids[0]);
});

test('any other failure, and a drop that keeps happening, reach the caller', async () => {
  const refused = new Error('refused');
  await expect(executeUpdate(handleAnswering([refused]).handle, step, { args: [{ n: 1 }] })).rejects.toBe(refused);
  const always = handleAnswering(Array.from({ length: 5 }, aborted));
  await expect(executeUpdate(always.handle, step, { args: [{ n: 1 }] })).rejects.toThrow('Workflow Update failed');
  expect(always.ids).toHaveLength(5);
});
