/** The words of the travel-document e-mails and the liaison page, in the embassy's language. */
export type Language = 'fr' | 'en';

export const TEXTS = {
  fr: {
    documentTypes: {
      laissez_passer: 'laissez-passer',
      emergency_travel_certificate: 'titre de voyage d’urgence',
      passport: 'passeport',
    } as Record<string, string>,
    sex: { F: 'féminin', M: 'masculin', X: 'non précisé' } as Record<string, string>,
    statuses: {
      requested: 'demande enregistrée',
      sent: 'en attente de votre réponse',
      interview_scheduled: 'entretien prévu',
      issued: 'document délivré',
      renewal_requested: 'renouvellement demandé',
      refused: 'demande refusée',
      expired: 'document expiré',
      cancelled: 'demande annulée',
    } as Record<string, string>,
    subject: {
      request: 'Demande de document de voyage',
      reminder: 'Rappel',
      renewal: 'Renouvellement de document de voyage',
    },
    greeting: 'Madame, Monsieur,',
    requestIntro: (doc: string, centre: string) =>
      `L’OIM et le ministère des Maliens de l’extérieur sollicitent un ${doc} pour un(e) de vos ressortissant(e)s, actuellement accueilli(e) à ${centre}, qui souhaite rentrer volontairement dans son pays.`,
    renewalIntro: (doc: string, number: string, until: string) =>
      `Le ${doc} n° ${number} que vous avez délivré expire le ${until} et le départ n’a pas encore eu lieu. Nous vous prions de bien vouloir le renouveler.`,
    reminderIntro: (n: number, of: number, since: string) =>
      `Rappel ${n}/${of} : nous n’avons pas encore reçu votre réponse à notre demande du ${since}.`,
    person: 'Personne concernée',
    familyName: 'Nom',
    givenName: 'Prénom(s)',
    sexLabel: 'Sexe',
    dateOfBirth: 'Date de naissance',
    nationality: 'Nationalité',
    documentType: 'Document demandé',
    plannedDeparture: 'Départ prévu',
    reference: 'Référence',
    status: 'État',
    answerBy: (until: string) => `Merci de répondre par ce lien sécurisé, valable jusqu’au ${until} :`,
    linkWarning: 'Ce lien est propre à cette demande ; merci de ne pas le transférer.',
    signature: 'Le programme d’aide au retour volontaire et à la réintégration (Sira)',
    pageTitle: 'Demande de document de voyage',
    issuedLegend: 'Document délivré',
    documentNumber: 'Numéro du document',
    validUntil: 'Valable jusqu’au',
    interviewLegend: 'Entretien nécessaire',
    interviewAt: 'Date et heure (heure de Bamako)',
    interviewPlace: 'Lieu',
    refusedLegend: 'Demande refusée',
    reason: 'Motif',
    submitIssued: 'Confirmer la délivrance',
    submitInterview: 'Proposer l’entretien',
    submitRefused: 'Refuser la demande',
    coverDeparture: (date: string) =>
      `Le document devrait être valable au moins jusqu’au départ prévu le ${date} ; s’il expire avant, il est enregistré tel quel.`,
    thanks: 'Merci : votre réponse est enregistrée.',
    lapsesBeforeDeparture: (until: string, departure: string) =>
      `Ce document expire le ${until}, avant le départ prévu le ${departure} : il est enregistré tel quel, et le bureau de l’OIM vous recontactera si un renouvellement est nécessaire.`,
    alreadyAnswered: 'Cette demande a déjà reçu une réponse ; elle ne peut plus être modifiée par ce lien.',
    currentAnswer: 'Réponse enregistrée',
    interviewOn: (at: string, place: string) => `Entretien le ${at} à ${place}`,
    documentIssued: (number: string, until: string) => `Document n° ${number}, valable jusqu’au ${until}`,
    refusedBecause: (reason: string) => `Refusée : ${reason}`,
    invalidAnswer: 'La réponse n’a pas pu être enregistrée :',
    linkRefused: 'Ce lien n’est pas valable ou a expiré. Demandez un nouveau lien au bureau de l’OIM.',
  },
  en: {
    documentTypes: {
      laissez_passer: 'laissez-passer',
      emergency_travel_certificate: 'emergency travel certificate',
      passport: 'passport',
    } as Record<string, string>,
    sex: { F: 'female', M: 'male', X: 'not stated' } as Record<string, string>,
    statuses: {
      requested: 'request recorded',
      sent: 'awaiting your answer',
      interview_scheduled: 'interview scheduled',
      issued: 'document issued',
      renewal_requested: 'renewal requested',
      refused: 'request refused',
      expired: 'document expired',
      cancelled: 'request cancelled',
    } as Record<string, string>,
    subject: {
      request: 'Travel document request',
      reminder: 'Reminder',
      renewal: 'Travel document renewal',
    },
    greeting: 'Dear Sir or Madam,',
    requestIntro: (doc: string, centre: string) =>
      `IOM and Mali's Ministry of Malians Abroad request a ${doc} for one of your nationals, currently staying at ${centre}, who wishes to return home voluntarily.`,
    renewalIntro: (doc: string, number: string, until: string) =>
      `The ${doc} no. ${number} you issued expires on ${until} and the departure has not taken place yet. Please renew it.`,
    reminderIntro: (n: number, of: number, since: string) =>
      `Reminder ${n}/${of}: we have not yet received your answer to our request of ${since}.`,
    person: 'Person concerned',
    familyName: 'Family name',
    givenName: 'Given name(s)',
    sexLabel: 'Sex',
    dateOfBirth: 'Date of birth',
    nationality: 'Nationality',
    documentType: 'Document requested',
    plannedDeparture: 'Planned departure',
    reference: 'Reference',
    status: 'Status',
    answerBy: (until: string) => `Please answer through this secure link, valid until ${until}:`,
    linkWarning: 'This link is specific to this request; please do not forward it.',
    signature: 'The assisted voluntary return and reintegration programme (Sira)',
    pageTitle: 'Travel document request',
    issuedLegend: 'Document issued',
    documentNumber: 'Document number',
    validUntil: 'Valid until',
    interviewLegend: 'Interview needed',
    interviewAt: 'Date and time (Bamako time)',
    interviewPlace: 'Place',
    refusedLegend: 'Request refused',
    reason: 'Reason',
    submitIssued: 'Confirm the document',
    submitInterview: 'Schedule the interview',
    submitRefused: 'Refuse the request',
    coverDeparture: (date: string) =>
      `The document should be valid at least until the planned departure on ${date}; if it lapses sooner, it is recorded as it is.`,
    thanks: 'Thank you: your answer is recorded.',
    lapsesBeforeDeparture: (until: string, departure: string) =>
      `This document lapses on ${until}, before the planned departure on ${departure}: it is recorded as it is, and the IOM office will be in touch if a renewal is needed.`,
    alreadyAnswered: 'This request has already been answered; this link can no longer change it.',
    currentAnswer: 'Recorded answer',
    interviewOn: (at: string, place: string) => `Interview on ${at} at ${place}`,
    documentIssued: (number: string, until: string) => `Document no. ${number}, valid until ${until}`,
    refusedBecause: (reason: string) => `Refused: ${reason}`,
    invalidAnswer: 'The answer could not be recorded:',
    linkRefused: 'This link is not valid or has expired. Ask the IOM office for a new one.',
  },
} satisfies Record<Language, unknown>;

export type Texts = (typeof TEXTS)['fr'];

export const textsFor = (language: string | undefined): Texts => (language === 'en' ? TEXTS.en : TEXTS.fr);

/** `2026-05-01` and `2026-05-01T10:00:00Z` as a reader expects them: dates as dates, times in Bamako's time (UTC). */
export function formatDate(value: string | Date, language: Language): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  const withTime = typeof value === 'string' ? value.length > 10 : true;
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Africa/Bamako',
  }).format(date);
}
