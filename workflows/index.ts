// The workflow bundle's entry: every workflow type the worker runs.
export { returneeCase } from './returnee-case';
export { charterFlight } from './flight';
export { travelDocument } from './travel-document';
export { monthlyProgrammeReport } from './monthly-report';
export { erasure, retentionSweep } from './erasure';
