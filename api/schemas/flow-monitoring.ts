import { z } from 'zod';
import { CLOCK_SKEW_MS } from '../../domain/clock';
import { FLOW_MONITORING_POINT_CODES } from '../../domain/reference';
import { CountryCode, IsoDate, Page } from './common';

const Point = z.enum(FLOW_MONITORING_POINT_CODES, { message: `must be a flow-monitoring point: ${FLOW_MONITORING_POINT_CODES.join(', ')}` });

/** Today in the programme's time zone (Africa/Bamako, UTC), with the clock skew other dates allow. */
const today = () => new Date(Date.now() + CLOCK_SKEW_MS).toISOString().slice(0, 10);

export const FlowObservationSchema = z
  .object({
    point: Point,
    date: IsoDate.refine((d) => d <= today(), 'must not be in the future').meta({ description: 'The day counted' }),
    counts: z
      .record(CountryCode, z.number().int('must be a whole number').nonnegative('must not be negative').max(1_000_000))
      .meta({ description: 'Migrants observed that day by nationality (ISO 3166-1 alpha-3), e.g. {"MLI": 120, "GIN": 40}; {} for none' }),
  })
  .meta({ id: 'FlowObservationInput' });

export const FlowObservationView = z
  .object({
    point: z.string(),
    date: z.string(),
    counts: z.record(z.string(), z.number()),
    total: z.number(),
    recordedBy: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: 'FlowObservation' });

export const FlowObservationPage = z.object({
  items: z.array(FlowObservationView),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const FlowObservationQuery = Page.extend({
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  point: Point.optional(),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after to', path: ['from'] });
