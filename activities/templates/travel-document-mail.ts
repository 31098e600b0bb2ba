import type { LiaisonFacts } from '../../db/queries/travel-documents';
import type { TravelDocumentMessage } from '../../domain/travel-document';
import { escapeHtml } from '../../platform/html';
import { formatDate, type Language, textsFor } from '../../platform/travel-document-texts';

export interface MailBody {
  subject: string;
  text: string;
  html: string;
}

const shortRef = (requestId: string) => requestId.slice(0, 8).toUpperCase();

/**
 * The e-mail to the embassy: the request, a reminder of it, or a renewal. It carries only what the
 * embassy needs to identify its national, and the signed link that answers this request.
 */
export function embassyMail(
  facts: LiaisonFacts,
  what: { kind: 'request' } | { kind: 'renewal' } | { kind: 'reminder'; n: number; of: number; renewal: boolean },
  link: { url: string; expiresAt: Date },
): MailBody {
  const language: Language = facts.embassy?.language ?? 'fr';
  const t = textsFor(language);
  const doc = t.documentTypes[facts.documentType] ?? facts.documentType;
  const centre = `${facts.centre.name} (${facts.centre.city})`;
  const base = what.kind === 'renewal' || (what.kind === 'reminder' && what.renewal) ? t.subject.renewal : t.subject.request;
  const subject =
    what.kind === 'reminder'
      ? `${t.subject.reminder} ${what.n}/${what.of} — ${base} — ${t.reference} ${shortRef(facts.requestId)}`
      : `${base} — ${t.reference} ${shortRef(facts.requestId)}`;
  const intro: string[] = [];
  if (what.kind === 'reminder') intro.push(t.reminderIntro(what.n, what.of, formatDate(facts.requestedAt.slice(0, 10), language)));
  if ((what.kind === 'renewal' || (what.kind === 'reminder' && what.renewal)) && facts.document) {
    intro.push(t.renewalIntro(doc, facts.document.number, formatDate(facts.document.validUntil, language)));
  } else {
    intro.push(t.requestIntro(doc, centre));
  }
  const rows: [string, string][] = [
    [t.familyName, facts.person.familyName],
    [t.givenName, facts.person.givenName],
    [t.sexLabel, t.sex[facts.person.sex] ?? facts.person.sex],
    [t.dateOfBirth, formatDate(facts.person.dateOfBirth, language)],
    [t.nationality, facts.person.nationality],
    [t.documentType, doc],
    [t.plannedDeparture, formatDate(facts.plannedDeparture, language)],
    [t.reference, facts.requestId],
  ];
  const until = formatDate(link.expiresAt.toISOString().slice(0, 10), language);
  const text = [
    t.greeting,
    '',
    ...intro,
    '',
    `${t.person}:`,
    ...rows.map(([k, v]) => `  ${k}: ${v}`),
    '',
    t.answerBy(until),
    link.url,
    t.linkWarning,
    '',
    t.signature,
  ].join('\n');
  const html = [
    `<!doctype html><html lang="${language}"><body>`,
    `<p>${escapeHtml(t.greeting)}</p>`,
    ...intro.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<table>${rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    `<p>${escapeHtml(t.answerBy(until))}<br><a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a></p>`,
    `<p><small>${escapeHtml(t.linkWarning)}</small></p>`,
    `<p>${escapeHtml(t.signature)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/**
 * To the programme manager, in the programme's working language: codes and dates, no personal data.
 * The n-th escalation: the first flags the request overdue, the next ones say it still is.
 */
export function escalationMail(facts: LiaisonFacts, publicUrl: string, remindersSent: number, n: number): MailBody {
  const ref = `travel document ${shortRef(facts.requestId)} (${facts.embassy?.country ?? ''})`;
  const subject = n > 1 ? `[Sira] Embassy still not answering (escalation ${n}): ${ref}` : `[Sira] Embassy not answering: ${ref}`;
  const text = [
    `The ${facts.embassy?.name ?? 'embassy'} has not answered travel-document request ${facts.requestId}`,
    n > 1
      ? `sent on ${facts.requestedAt.slice(0, 10)}, after ${remindersSent} reminder(s) and ${n - 1} earlier escalation(s). The request is still overdue.`
      : `sent on ${facts.requestedAt.slice(0, 10)}, after ${remindersSent} reminder(s). The request is now flagged overdue.`,
    '',
    `Case: ${facts.caseId} (centre ${facts.centre.code})`,
    `Document: ${facts.documentType}; planned departure ${facts.plannedDeparture}`,
    `Liaison: ${facts.embassy?.liaisonEmail ?? 'none on file'}`,
    '',
    `Open it: ${publicUrl}/v1/travel-documents/${facts.requestId}`,
  ].join('\n');
  return { subject, text, html: `<pre>${escapeHtml(text)}</pre>` };
}

/** To the case's officer (or the configured address): a renewal went out on its own. */
export function renewalNoticeMail(facts: LiaisonFacts, publicUrl: string): MailBody {
  const subject = `[Sira] Travel document renewal requested: case ${facts.caseId.slice(0, 8)}`;
  const text = [
    `The travel document ${facts.document?.number ?? ''} for case ${facts.caseId} lapses on ${facts.document?.validUntil ?? '?'}`,
    `and the person has not departed yet (planned departure ${facts.plannedDeparture}).`,
    `Sira has asked the ${facts.embassy?.name ?? 'embassy'} to renew it (request ${facts.requestId}).`,
    'The person can still travel on the current document until it lapses.',
    '',
    `Follow it: ${publicUrl}/v1/travel-documents/${facts.requestId}`,
  ].join('\n');
  return { subject, text, html: `<pre>${escapeHtml(text)}</pre>` };
}

/**
 * To the centre's supervisor: the case could not take the embassy's outcome in, so a person must.
 * Codes and dates, and the refusals (the embassy's, the case's) as they were given; no names.
 */
export function outcomeNotTakenMail(
  facts: LiaisonFacts,
  publicUrl: string,
  message: Extract<TravelDocumentMessage, { kind: 'outcome_not_taken' }>,
): MailBody {
  const outcome =
    message.outcome === 'issued'
      ? `the document was issued${facts.document ? ` (${facts.document.number}, valid until ${facts.document.validUntil})` : ''}`
      : message.outcome === 'refused'
        ? `the embassy refused the request${facts.refusalReason ? ` (${facts.refusalReason})` : ''}`
        : `the document lapsed${facts.document ? ` on ${facts.document.validUntil}` : ''} before the departure`;
  const subject = `[Sira] Travel-document outcome not taken in: case ${facts.caseId.slice(0, 8)}, request ${shortRef(facts.requestId)}`;
  const text = [
    `Travel-document request ${facts.requestId} (${facts.embassy?.country ?? ''}) has an outcome: ${outcome}.`,
    `Case ${facts.caseId} could not take it in: ${message.reason}`,
    '',
    'Sira will not offer it to the case again. Please see to it: the case still shows the request as it was.',
    '',
    `Case: ${publicUrl}/v1/cases/${facts.caseId}`,
    `Request: ${publicUrl}/v1/travel-documents/${facts.requestId}`,
  ].join('\n');
  return { subject, text, html: `<pre>${escapeHtml(text)}</pre>` };
}

/**
 * To the embassy, once, when the person withdrew their consent: the request is withdrawn and its link
 * no longer answers. The request's reference only: no name, the embassy has no more need of one.
 */
export function withdrawalMail(facts: LiaisonFacts): MailBody {
  const ref = shortRef(facts.requestId);
  const fr = facts.embassy?.language !== 'en';
  const subject = fr ? `Demande retirée — référence ${ref}` : `Request withdrawn — reference ${ref}`;
  const text = (
    fr
      ? [
          'Madame, Monsieur,',
          '',
          `La demande de document de voyage de référence ${facts.requestId} est retirée : la personne concernée a retiré son consentement.`,
          "Il n'y a plus lieu d'y donner suite, et le lien reçu pour y répondre ne fonctionne plus.",
          '',
          'Sira',
        ]
      : [
          'Dear colleague,',
          '',
          `Travel-document request ${facts.requestId} is withdrawn: the person concerned withdrew their consent.`,
          'No further action is needed, and the link you received to answer it no longer works.',
          '',
          'Sira',
        ]
  ).join('\n');
  return { subject, text, html: `<pre>${escapeHtml(text)}</pre>` };
}
