import type { LiaisonFacts } from '../db/queries/travel-documents';
import { ANSWERABLE, type TravelDocumentStatus } from '../domain/travel-document';
import { Html, html } from '../platform/html';
import { formatDate, type Language, textsFor } from '../platform/travel-document-texts';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
fieldset{margin:1rem 0;padding:1rem;border:1px solid #999}label{display:block;margin:.5rem 0 .2rem}
input,textarea{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:.8rem;padding:.5rem 1rem}
.notice{padding:.8rem;border:1px solid}.error{border-color:#b00;color:#700}.ok{border-color:#070}
th{text-align:left;padding-right:1rem}`;

function layout(language: Language, title: string, body: Html): string {
  return html`<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>${title}</title><style>${new Html(STYLE)}</style></head>
<body>${body}</body></html>`.value;
}

export interface PageNotice {
  kind: 'ok' | 'error';
  lines: string[];
}

/**
 * The liaison's page: the request, the recorded answer if there is one, and while the embassy owes
 * an answer three plain forms (issued, interview, refused) that post back to the same signed URL.
 */
export function liaisonPage(facts: LiaisonFacts, options: { action: string; round: number; notice?: PageNotice }): string {
  const language: Language = facts.embassy?.language ?? 'fr';
  const t = textsFor(language);
  const doc = t.documentTypes[facts.documentType] ?? facts.documentType;
  const open = ANSWERABLE.includes(facts.status as TravelDocumentStatus) && options.round === facts.round;
  const answer = [
    facts.interview ? t.interviewOn(formatDate(facts.interview.at, language), facts.interview.place) : undefined,
    facts.document ? t.documentIssued(facts.document.number, formatDate(facts.document.validUntil, language)) : undefined,
    facts.refusalReason ? t.refusedBecause(facts.refusalReason) : undefined,
  ].filter((x): x is string => x !== undefined);
  // A document that lapses before the departure is still what the embassy issued: the form takes it.
  const minDate = facts.requestedAt.slice(0, 10);
  const body = html`
<h1>${t.pageTitle}</h1>
<p>${facts.embassy?.name ?? ''}</p>
${options.notice ? html`<div class="notice ${options.notice.kind}" role="status">${options.notice.lines.map((l) => html`<p>${l}</p>`)}</div>` : ''}
<table>
<tr><th>${t.reference}</th><td>${facts.requestId}</td></tr>
<tr><th>${t.status}</th><td id="status">${t.statuses[facts.status] ?? facts.status}</td></tr>
<tr><th>${t.familyName}</th><td>${facts.person.familyName}</td></tr>
<tr><th>${t.givenName}</th><td>${facts.person.givenName}</td></tr>
<tr><th>${t.sexLabel}</th><td>${t.sex[facts.person.sex] ?? facts.person.sex}</td></tr>
<tr><th>${t.dateOfBirth}</th><td>${formatDate(facts.person.dateOfBirth, language)}</td></tr>
<tr><th>${t.nationality}</th><td>${facts.person.nationality}</td></tr>
<tr><th>${t.documentType}</th><td>${doc}</td></tr>
<tr><th>${t.plannedDeparture}</th><td>${formatDate(facts.plannedDeparture, language)}</td></tr>
</table>
${answer.length ? html`<h2>${t.currentAnswer}</h2><ul id="answer">${answer.map((a) => html`<li>${a}</li>`)}</ul>` : ''}
${
  open
    ? html`
<form method="post" action="${options.action}" id="issued-form"><fieldset><legend>${t.issuedLegend}</legend>
<input type="hidden" name="decision" value="issued">
<label for="documentNumber">${t.documentNumber}</label><input id="documentNumber" name="documentNumber" required maxlength="64">
<label for="validUntil">${t.validUntil}</label><input id="validUntil" name="validUntil" type="date" required min="${minDate}">
<p><small>${t.coverDeparture(formatDate(facts.plannedDeparture, language))}</small></p>
<button type="submit">${t.submitIssued}</button></fieldset></form>
<form method="post" action="${options.action}" id="interview-form"><fieldset><legend>${t.interviewLegend}</legend>
<input type="hidden" name="decision" value="interview">
<label for="interviewAt">${t.interviewAt}</label><input id="interviewAt" name="interviewAt" type="datetime-local" required>
<label for="interviewPlace">${t.interviewPlace}</label><input id="interviewPlace" name="interviewPlace" required maxlength="200">
<button type="submit">${t.submitInterview}</button></fieldset></form>
<form method="post" action="${options.action}" id="refused-form"><fieldset><legend>${t.refusedLegend}</legend>
<input type="hidden" name="decision" value="refused">
<label for="reason">${t.reason}</label><textarea id="reason" name="reason" required maxlength="1000" rows="3"></textarea>
<button type="submit">${t.submitRefused}</button></fieldset></form>`
    : html`<p>${t.alreadyAnswered}</p>`
}
<hr><p><small>${t.signature}</small></p>`;
  return layout(language, `${t.pageTitle} — ${facts.requestId.slice(0, 8).toUpperCase()}`, body);
}

/** The page for a tampered or expired link; in the embassy's language when the request is known. */
export function refusedLinkPage(language: Language | undefined): string {
  const lines = language ? [textsFor(language).linkRefused] : [textsFor('fr').linkRefused, textsFor('en').linkRefused];
  return layout(language ?? 'fr', 'Sira', html`<div class="notice error">${lines.map((l) => html`<p>${l}</p>`)}</div>`);
}

/**
 * The lines that confirm a recorded answer: thanks, and a word when the document lapses before the
 * departure, so the liaison knows it was taken as it is and a renewal may follow.
 */
export function answerRecordedLines(facts: LiaisonFacts): string[] {
  const language: Language = facts.embassy?.language ?? 'fr';
  const t = textsFor(language);
  return facts.conflict
    ? [t.thanks, t.lapsesBeforeDeparture(formatDate(facts.conflict.validUntil, language), formatDate(facts.conflict.plannedDeparture, language))]
    : [t.thanks];
}

export { textsFor };
