// The README and docs/ link to each other by file and heading: every such link must land on a file and a heading that
// exist, so moving a section between documents cannot leave a reader at a dead end.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/local/engines.js';

const documents = [
  'README.md',
  ...readdirSync(path.join(projectRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens (headings inside code blocks are not headings). */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(path.join(projectRoot, file), 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (heading)
      anchors.add(
        heading[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      );
  }
  return anchors;
}

describe('links between the README and docs/', () => {
  it('has one-screen README and the documents it links to', () => {
    expect(readFileSync(path.join(projectRoot, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
    expect(documents.length).toBeGreaterThan(5);
  });

  it('points every relative link at a file that exists and, with an anchor, at a heading it has', () => {
    const broken: string[] = [];
    for (const file of documents) {
      const text = readFileSync(path.join(projectRoot, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:)/.test(target!)) continue;
        const [relative, anchor] = target!.split('#');
        const resolved = relative ? path.normalize(path.join(path.dirname(file), relative)) : file;
        if (!existsSync(path.join(projectRoot, resolved))) broken.push(`${file}: ${target} (no such file)`);
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
          broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("the README's feature map", () => {
  it('has exactly one row per feature folder under functions/, and every row names a folder that exists', () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const map = readme.slice(
      readme.indexOf('## Feature map'),
      readme.indexOf('\n## ', readme.indexOf('## Feature map') + 1),
    );
    const rows = [...map.matchAll(/^\| [^|]+ \| `functions\/([a-z-]+)\/` \|/gm)].map((m) => m[1]);
    const folders = readdirSync(path.join(projectRoot, 'functions'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(rows.toSorted()).toEqual(folders.toSorted());
    expect(new Set(rows).size).toBe(rows.length);
  });
});
