/**
 * The page a liaison sees while Sira cannot reach Temporal or its database. Both languages: the
 * embassy's own cannot be read. Sending an answer again is safe, since it is recorded only once.
 */
export const LIAISON_UNAVAILABLE_PAGE = `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex"><title>Sira</title></head>
<body>
<p>Le service est momentanément indisponible. Votre lien reste valable : réessayez dans quelques minutes.
Si vous envoyiez une réponse, renvoyez-la : elle ne sera enregistrée qu’une fois.</p>
<p lang="en">The service is temporarily unavailable. Your link remains valid: try again in a few minutes.
If you were sending an answer, send it again: it is recorded only once.</p>
</body></html>`;
