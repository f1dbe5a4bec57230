import { beforeAll, describe, expect, it } from 'vitest';
import { layoutGraph, type PositionedGraph } from './layout.ts';
import { type MachineGraph, machineGraph, machineGraphs } from './machineGraph.ts';
import { escapeXml, renderSvg } from './svg.ts';
import { nestedMachine } from './testing/nestedMachine.ts';

const graphs: [string, MachineGraph][] = [
  ...Object.entries(machineGraphs()),
  ['nested (test only)', machineGraph(nestedMachine)],
];

/** Enough of an XML check for generated markup: tags nest and close, and every `&` starts an entity. */
function wellFormednessProblems(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  for (const [tag, closing, name, selfClosing] of xml.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^<>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) open.push(name ?? '');
    else if (open.pop() !== name) problems.push(`unexpected ${tag}`);
  }
  if (open.length > 0) problems.push(`unclosed ${open.join(', ')}`);
  if (/&(?!(amp|lt|gt|quot|#39);)/.test(xml)) problems.push('bare &');
  const outsideTags = xml.replace(/<[^<>]*>/g, '');
  if (outsideTags.includes('<')) problems.push('stray <');
  return problems;
}

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** data-state -> class attribute of each state group. */
function stateGroups(svg: string): Map<string, string> {
  const groups = [...svg.matchAll(/<g class="([^"]*)" data-state="([^"]*)">/g)];
  return new Map(groups.map(([, classes, id]) => [unescapeXml(id ?? ''), classes ?? '']));
}

describe.each(graphs)('renderSvg of %s', (_name, graph) => {
  let positioned: PositionedGraph;
  beforeAll(async () => {
    positioned = await layoutGraph(graph);
  });

  it('is well-formed standalone SVG', () => {
    const svg = renderSvg(positioned);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(wellFormednessProblems(svg)).toEqual([]);
    expect(svg).toContain('<style>');
  });

  it('has one data-state group per state, each of class state', () => {
    const svg = renderSvg(positioned);
    expect(svg.match(/data-state="/g)).toHaveLength(positioned.states.length);
    const groups = stateGroups(svg);
    expect([...groups.keys()].sort()).toEqual(positioned.states.map((state) => state.id).sort());
    for (const classes of groups.values()) expect(classes.split(' ')).toContain('state');
  });

  it('marks exactly the highlighted states active', () => {
    const highlight = positioned.states.filter((_, index) => index % 2 === 0).map((state) => state.id);
    const groups = stateGroups(renderSvg(positioned, { highlight }));
    for (const [id, classes] of groups)
      expect(classes.split(' ').includes('active'), id).toBe(highlight.includes(id));
    const plain = stateGroups(renderSvg(positioned));
    for (const classes of plain.values()) expect(classes).not.toMatch(/\bactive\b/);
  });

  it('draws an arrowed path per drawn transition and shows its caption', () => {
    const svg = renderSvg(positioned);
    expect(svg.match(/<path class="transition /g)).toHaveLength(positioned.transitions.length);
    for (const transition of positioned.transitions)
      expect(svg).toContain(`>${escapeXml(transition.label)}</text>`);
  });
});

describe('renderSvg escaping and shapes', () => {
  let svg: string;
  beforeAll(async () => {
    svg = renderSvg(await layoutGraph(machineGraph(nestedMachine)), { highlight: ['door.R&D <"draft">'] });
  });

  it('escapes state keys and ids for XML', () => {
    expect(svg).toContain('data-state="door.R&amp;D &lt;&quot;draft&quot;&gt;"');
    expect(svg).toContain('>R&amp;D &lt;&quot;draft&quot;&gt;</text>');
    expect(wellFormednessProblems(svg)).toEqual([]);
    expect(stateGroups(svg).get('door.R&D <"draft">')).toContain('active');
  });

  it('double-borders final states and titles containers at the top', () => {
    const finalGroup = /<g class="state final active" data-state="[^"]*">(.*?)<\/g>/.exec(svg)?.[1] ?? '';
    expect(finalGroup.match(/<rect /g)).toHaveLength(2);
    expect(svg).toMatch(
      /<g class="state parallel container" data-state="door.opened">.*?<text class="caption"/,
    );
  });

  it('escapes the five XML specials and drops control characters', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>\u0007`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });
});
