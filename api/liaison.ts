import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import express, { type ErrorRequestHandler, type Request, type Response, Router } from 'express';
import { LiaisonLinkRefused, type LiaisonGrant, verifyLiaisonToken } from '../platform/liaison-link';
import { answerRecordedLines, liaisonPage, type PageNotice, refusedLinkPage, textsFor } from './liaison-page';
import { liaisonFacts, type LiaisonFacts } from '../db/queries/travel-documents';
import { travelDocumentWorkflowId } from '../workflows/ids';
import { answerTravelDocumentRequest } from '../workflows/travel-document-messages';
import { findUnstorable } from '../platform/storable';
import type { ApiDeps } from './deps';
import { refusalStatus } from './update-problem';
import { LIAISON_UNAVAILABLE_PAGE } from './liaison-unavailable-page';
import { fieldErrors, knownProblem, problem } from './problem';
import { LiaisonAnswerSchema, RequestIdParams } from './schemas/travel-documents';
import { RETRY_AFTER_SECONDS } from './unavailable';
import { executeUpdate } from '../platform/update-delivery';

/** The form posts urlencoded; scripts and tests may post JSON. Either way the answer is the same. */
const wantsJson = (req: Request) => req.is('application/json') === 'application/json' || !req.accepts('html');

function sendPage(res: Response, status: number, page: string) {
  res.status(status).set('Cache-Control', 'no-store').set('X-Robots-Tag', 'noindex').type('html').send(page);
}

/**
 * The embassy liaison's page, reached from the signed link in an e-mail: no account, no bearer
 * token. The link names one request; a tampered or expired one gets 403 and shows nothing.
 */
export function liaisonRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 }));

  /** The grant and the request's facts, or the answer already sent (403/404). */
  async function open(req: Request, res: Response): Promise<{ grant: LiaisonGrant; facts: LiaisonFacts; action: string } | undefined> {
    const params = RequestIdParams.safeParse({ requestId: req.params.requestId });
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!params.success) {
      if (wantsJson(req)) throw problem(404, 'no such request');
      sendPage(res, 404, refusedLinkPage(undefined));
      return undefined;
    }
    const { requestId } = params.data;
    let grant: LiaisonGrant;
    try {
      grant = await verifyLiaisonToken(deps.config.liaisonLinkSecret, token, requestId);
    } catch (error) {
      if (!(error instanceof LiaisonLinkRefused)) throw error;
      if (wantsJson(req)) throw problem(403, error.message);
      // A genuine but expired link may speak the embassy's language; a forged one learns nothing.
      const language = error.reason === 'expired' ? (await liaisonFacts(deps.db, requestId))?.embassy?.language : undefined;
      sendPage(res, 403, refusedLinkPage(language));
      return undefined;
    }
    const facts = await liaisonFacts(deps.db, requestId);
    if (!facts) throw problem(404, 'no such request');
    const action = `${req.baseUrl}/requests/${encodeURIComponent(requestId)}?token=${encodeURIComponent(token)}`;
    return { grant, facts, action };
  }

  router.get('/requests/:requestId', async (req, res) => {
    const opened = await open(req, res);
    if (!opened) return;
    const { facts, grant, action } = opened;
    if (wantsJson(req)) {
      res.set('Cache-Control', 'no-store').json({
        requestId: facts.requestId,
        status: facts.status,
        document: facts.document,
        conflict: facts.conflict,
        interview: facts.interview,
      });
      return;
    }
    sendPage(res, 200, liaisonPage(facts, { action, round: grant.round }));
  });

  router.post('/requests/:requestId', async (req, res) => {
    const opened = await open(req, res);
    if (!opened) return;
    const { facts, grant, action } = opened;
    const t = textsFor(facts.embassy?.language);
    const answerWith = (status: number, notice: PageNotice, current: LiaisonFacts = facts) => {
      if (wantsJson(req)) {
        if (status >= 400) throw problem(status, notice.lines.join(' '));
        res.status(status).json({
          requestId: current.requestId,
          status: current.status,
          document: current.document,
          conflict: current.conflict,
          interview: current.interview,
        });
        return;
      }
      sendPage(res, status, liaisonPage(current, { action, round: grant.round, notice }));
    };

    const unstorable = findUnstorable(req.body ?? {});
    const parsed = unstorable.length ? undefined : LiaisonAnswerSchema.safeParse(req.body ?? {});
    if (!parsed?.success) {
      const errors = parsed ? fieldErrors(parsed.error) : unstorable;
      if (wantsJson(req)) throw problem(422, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
      return answerWith(422, { kind: 'error', lines: [t.invalidAnswer, ...errors.map((e) => `${e.path}: ${e.message}`)] });
    }
    const handle = deps.temporal.workflow.getHandle(travelDocumentWorkflowId(facts.requestId));
    try {
      await deps.temporal.withDeadline(Date.now() + deps.config.UPDATE_DEADLINE, () =>
        executeUpdate(handle, answerTravelDocumentRequest, { args: [{ answer: parsed.data, round: grant.round }] }),
      );
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const status = refusalStatus(error.cause.type);
        const lines = status === 422 ? [t.invalidAnswer, error.cause.message] : [t.alreadyAnswered];
        return answerWith(status, { kind: 'error', lines });
      }
      if (error instanceof WorkflowNotFoundError) return answerWith(409, { kind: 'error', lines: [t.alreadyAnswered] });
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw problem(503, 'the request did not answer in time; the answer may still be recorded, and sending it again is safe');
      }
      throw error;
    }
    // The update returns once the answer is in Postgres: the page shows it as recorded.
    const after = (await liaisonFacts(deps.db, facts.requestId)) ?? facts;
    return answerWith(200, { kind: 'ok', lines: answerRecordedLines(after) }, after);
  });

  // Temporal or Postgres out of reach: a browser gets a page to come back to, a script the problem.
  const unavailable: ErrorRequestHandler = (error, req, res, next) => {
    if (wantsJson(req) || knownProblem(error, req)?.status !== 503) return next(error);
    req.log?.warn({ err: error }, 'dependency unavailable');
    res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    sendPage(res, 503, LIAISON_UNAVAILABLE_PAGE);
  };
  router.use(unavailable);

  return router;
}
