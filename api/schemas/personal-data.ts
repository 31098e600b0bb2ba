import { z } from 'zod';
import { OccurredAt, Text } from './common';

/** Why the person withdrew their consent, as they gave it (kept with the case until its erasure). */
export const ConsentWithdrawalSchema = z.object({ ...OccurredAt, reason: Text(1000) });

/** Why the case is erased: the request's reason, kept on record after the erasure; never name the person in it. */
export const ErasureSchema = z.object({ reason: Text(500) });

export const ErasureStatus = z.object({
  caseId: z.uuid(),
  workflowId: z.string(),
  status: z.enum(['none', 'erasing', 'erased']),
  requestedAt: z.string().nullable(),
  requestedBy: z.string().nullable(),
  reason: z.string().nullable(),
  erasedAt: z.string().nullable(),
});

export const PersonalDataExport = z.object({
  caseId: z.uuid(),
  exportedAt: z.string(),
  erasedAt: z.string().nullable(),
  identity: z.record(z.string(), z.unknown()),
  registration: z.record(z.string(), z.unknown()),
  status: z.record(z.string(), z.unknown()),
  steps: z.array(z.record(z.string(), z.unknown())),
  plans: z.array(z.record(z.string(), z.unknown())),
  approvals: z.array(z.record(z.string(), z.unknown())),
  tranches: z.array(z.record(z.string(), z.unknown())),
  monitoringVisits: z.array(z.record(z.string(), z.unknown())),
  travelDocuments: z.array(z.record(z.string(), z.unknown())),
  emails: z.array(z.record(z.string(), z.unknown())),
  manifestEntries: z.array(z.record(z.string(), z.unknown())),
  audit: z.array(z.record(z.string(), z.unknown())),
  erasure: z.record(z.string(), z.unknown()).nullable(),
});
