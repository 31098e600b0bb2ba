import { writeFileSync } from 'node:fs';
import { searchAttributeFlags } from '../workflows/search-attributes';

/**
 * Sira's search attributes as `temporal operator search-attribute create` flags, one attribute a
 * line (`--name CaseStage --type Keyword`), for a Temporal server of one's own: the compose stack's
 * namespace job reads them (deploy/temporal/setup-namespace.sh). Same list as the dev server's.
 *
 *   npx tsx scripts/search-attribute-flags.ts [file]   # stdout without a file
 */
export function searchAttributeCreateFlags(): string[] {
  const flags = searchAttributeFlags();
  const lines: string[] = [];
  for (let i = 0; i < flags.length; i += 2) {
    const [name, type] = flags[i + 1].split('=');
    lines.push(`--name ${name} --type ${type}`);
  }
  return lines;
}

if (require.main === module) {
  const text = `${searchAttributeCreateFlags().join('\n')}\n`;
  if (process.argv[2]) writeFileSync(process.argv[2], text);
  else process.stdout.write(text);
}
