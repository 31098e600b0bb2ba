import { ageOn } from './calendar';
import { documentDates, registrationRequest, stepRequest } from './case-step-requests';
import { excerpt, keyOf, send, type SimulationContext } from './context';
import type { CaseStepPlan, Journey } from './journey';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One returnee's journey played against Sira: registered (or opened by their charter's arrival), then
 * each planned step in business-date order, as its officer or supervisor sends it. A journey runs up
 * to a moment of the programme (`until`) and resumes from there later. A refused step ends it: the
 * rest is counted as abandoned.
 */
export class JourneyRunner {
  private next = 0;
  private stopped = false;
  private counted = false;

  constructor(
    private readonly ctx: SimulationContext,
    readonly journey: Journey,
  ) {}

  get caseId(): string | undefined {
    return this.ctx.ledger.caseIdOf(this.journey);
  }

  get finished(): boolean {
    return this.stopped || this.next >= this.journey.steps.length;
  }

  /** Takes the steps dated before `until` (all of them when undefined). */
  async run(until = Infinity): Promise<void> {
    const { ctx, journey } = this;
    if (this.stopped) return;
    if (!this.caseId) {
      if (journey.arrival.charter || journey.arrival.at >= until) return;
      if (!(await this.register())) return this.stop();
    }
    while (this.next < journey.steps.length && journey.steps[this.next].at < until) {
      const step = journey.steps[this.next];
      if (!(await this.take(step, this.next))) return this.stop();
      ctx.ledger.took(journey, step);
      this.next += 1;
    }
    if (this.finished) this.count();
  }

  /** The journey cannot start (its charter never landed): every step of it is abandoned. */
  abandon(): void {
    if (!this.stopped && !this.caseId) this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.ctx.stats.stepsAbandoned += this.journey.steps.length - this.next;
    this.count();
  }

  private count(): void {
    if (this.counted) return;
    this.counted = true;
    this.ctx.stats.journeysDone += 1;
  }

  private async register(): Promise<boolean> {
    const { ctx, journey } = this;
    const r = registrationRequest(journey, ctx.runTag);
    const answer = await send(
      ctx,
      { journey: journey.ref, step: 'registration' },
      r.actor,
      r.method,
      r.path,
      r.body,
      keyOf(ctx, journey.ref, 'registration'),
    );
    if (!answer) return false;
    ctx.ledger.open(journey, (answer.body as { caseId: string }).caseId);
    ctx.stats.casesOpened += 1;
    return true;
  }

  private async take(step: CaseStepPlan, index: number): Promise<boolean> {
    const { ctx, journey } = this;
    // Sira applies a minor's safeguards by the real calendar: a child who has turned 18 since needs none.
    if (step.kind === 'minorSafeguards' && ageOn(journey.person.dateOfBirth, Date.now()) >= 18) {
      ctx.stats.safeguardsSkipped += 1;
      return true;
    }
    const r = stepRequest(journey, step, {
      caseId: this.caseId!,
      runTag: ctx.runTag,
      vendorIds: ctx.vendorIds,
      now: Date.now(),
      travelDocuments: ctx.programme.travelDocuments,
    });
    const answer = await send(
      ctx,
      { journey: journey.ref, step: step.kind },
      r.actor,
      r.method,
      r.path,
      r.body,
      keyOf(ctx, journey.ref, index, step.kind),
    );
    if (!answer) return false;
    if (step.kind === 'travelDocument')
      return this.embassyAnswers(step, (answer.body as { requestId: string }).requestId);
    return true;
  }

  /** The embassy answers through the link in its e-mail; the step is done once the case has taken the answer in. */
  private async embassyAnswers(
    step: Extract<CaseStepPlan, { kind: 'travelDocument' }>,
    requestId: string,
  ): Promise<boolean> {
    const { ctx, journey } = this;
    const facts = {
      requestedAt: step.at,
      held: Boolean(step.held),
      answers: [] as { decision: 'interview' | 'issued' | 'refused'; answeredAt: number }[],
    };
    ctx.ledger.travelDocuments.set(journey.ref, facts);
    if (step.held || step.answers.length === 0) return true;
    const link = await ctx.mailbox.linkFor(requestId);
    if (!link) {
      ctx.stats.refuse({
        status: 0,
        journey: journey.ref,
        step: 'liaison e-mail',
        body: `no e-mail with the liaison link of request ${requestId} in ${ctx.mailbox.dir}`,
      });
      return false;
    }
    const { validUntil } = documentDates({ now: Date.now(), travelDocuments: ctx.programme.travelDocuments });
    for (const decision of step.answers) {
      const body =
        decision === 'issued'
          ? { decision, documentNumber: step.documentNumber, validUntil }
          : decision === 'interview'
            ? {
                decision,
                interviewAt: new Date(Date.now() + 86_400_000).toISOString(),
                interviewPlace: ctx.programme.travelDocuments.interviewPlace,
              }
            : { decision, reason: "L'identité n'a pas pu être établie" };
      const sent = Date.now();
      const answer = await ctx.http.request('POST', link, { body });
      if (answer.status !== 200) {
        ctx.stats.refuse(
          {
            status: answer.status,
            journey: journey.ref,
            step: `liaison answer (${decision})`,
            body: excerpt(answer.body),
          },
          answer.gaveUp,
        );
        return false;
      }
      ctx.stats.stepsTaken += 1;
      facts.answers.push({ decision, answeredAt: Math.round((sent + Date.now()) / 2) });
    }
    return this.caseTookAnswer(step.answers[step.answers.length - 1]);
  }

  /** Waits until the case shows the embassy's last answer (its workflow hears of it from the request's). */
  private async caseTookAnswer(decision: 'interview' | 'issued' | 'refused'): Promise<boolean> {
    const { ctx, journey } = this;
    const token = await ctx.actors.token({ role: 'case_officer', centre: journey.centreCode });
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      const answer = await ctx.http.request('GET', `/v1/cases/${this.caseId}/live`, { token });
      const view = answer.body as { stage?: string; travelDocument?: { status?: string } };
      if (
        answer.status === 200 &&
        (decision === 'issued'
          ? view.stage === 'ready_to_depart'
          : view.travelDocument?.status === decision || decision === 'interview')
      ) {
        return true;
      }
      await sleep(200);
    }
    ctx.stats.refuse({
      status: 0,
      journey: journey.ref,
      step: 'travel-document outcome',
      body: `the case did not take the embassy's "${decision}" within 120 s`,
    });
    return false;
  }
}
