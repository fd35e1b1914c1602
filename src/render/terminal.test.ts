// The terminal report: snapshot-tested from the report fixtures (regenerate with
// UPDATE_SNAPSHOTS=1 and review the diff), and its important properties asserted directly:
// verdict line, grouping and order, evidence cap, colour only on request, and that hostile
// package text never reaches the terminal as control or bidi characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportAlert } from '../report/types.js';
import { renderTerminal } from './terminal.js';
import { matchSnapshot as match, reportFixture } from './testing.js';

const fixture = reportFixture;

const matchSnapshot = (name: string, actual: string): void =>
  match(new URL('./testdata/', import.meta.url), name, actual);

const plain = { color: false, verbose: false };
const verbose = { color: false, verbose: true };

test('terminal output matches the snapshots', () => {
  matchSnapshot('terminal-blocking.txt', renderTerminal(fixture('blocking'), plain));
  matchSnapshot('terminal-blocking-verbose.txt', renderTerminal(fixture('blocking'), verbose));
  matchSnapshot(
    'terminal-blocking-color.txt',
    renderTerminal(fixture('blocking'), { color: true, verbose: false }),
  );
  matchSnapshot('terminal-healthy.txt', renderTerminal(fixture('healthy'), plain));
  matchSnapshot('terminal-hostile.txt', renderTerminal(fixture('hostile'), verbose));
});

test('the first line is the verdict', () => {
  assert.equal(renderTerminal(fixture('healthy'), plain).split('\n')[0], 'HEALTHY');
  const blocking = renderTerminal(fixture('blocking'), plain).split('\n')[0] ?? '';
  assert.match(blocking, /^BLOCKED: 1 blocking alert\b/);
  assert.match(blocking, /INCOMPLETE: 1 package not analysed/);
  const incomplete = fixture('blocking');
  incomplete.verdict = { healthy: true, complete: false, exitCode: 2, blocking: 0 };
  assert.equal(
    renderTerminal(incomplete, plain).split('\n')[0],
    'INCOMPLETE: 1 package not analysed',
  );
});

test('the head names the short snapshot id, the package count and the advisory date', () => {
  const head = renderTerminal(fixture('blocking'), { ...plain, width: 200 }).split('\n')[1] ?? '';
  assert.match(head, /snapshot 5f2b9c0d8e7a /);
  assert.ok(!head.includes('5f2b9c0d8e7a6'), 'the id is shortened');
  assert.match(head, /6 packages/);
  assert.match(head, /2026-11-27/);
});

test('alerts are grouped by action, then severity; ignored ones only when verbose', () => {
  const out = renderTerminal(fixture('blocking'), plain);
  const at = (s: string) => out.indexOf(s);
  assert.ok(at('BLOCK (1)') > 0 && at('BLOCK (1)') < at('WARN (2)'));
  assert.ok(at('WARN (2)') < at('MONITOR (1)'));
  assert.equal(at('IGNORE'), -1);
  assert.match(out, /1 ignored alert not shown/);
  const warn = out.slice(at('WARN (2)'), at('MONITOR (1)'));
  assert.ok(warn.indexOf('critical') < warn.indexOf('high'), 'critical before high');
  assert.ok(warn.indexOf('lodahs') < warn.indexOf('Install scripts'));
  const full = renderTerminal(fixture('blocking'), verbose);
  assert.ok(full.indexOf('IGNORE (1)') > full.indexOf('MONITOR (1)'));
  assert.match(full, /left-pad@1\.3\.0/);
});

test('"middle" severity is shown as medium', () => {
  const report = fixture('blocking');
  const alert = report.alerts.find((a) => a.type === 'installScripts');
  assert.ok(alert);
  alert.severity = 'middle';
  const out = renderTerminal(report, plain);
  assert.match(out, /^ {2}medium$/m);
  assert.doesNotMatch(out, /middle/);
});

test('how a package is reached: the via chain, direct, dev', () => {
  const out = renderTerminal(fixture('blocking'), plain);
  assert.match(out, /reached: express@4\.21\.2 › body-parser@1\.20\.3 › qs@6\.5\.2/);
  assert.match(out, /reached: direct, dev/);
  assert.match(out, /evil-helper@1\.0\.1 {2}Known malware \[malware\]\n {6}reached: direct\n/);
});

test('message, evidence with location and snippet, and what to do', () => {
  const out = renderTerminal(fixture('blocking'), plain);
  assert.match(out, /install script reads environment variables/);
  assert.match(out, /scripts\/postinstall\.js:3:1\n\s+│ https\.request/);
  assert.match(out, /→ Remove evil-helper and rotate/);
  assert.match(out, /accepted until 2027-01-31: not reachable: .*\n?.*\(socket\.yml:8\)/);
  assert.match(out, /ACCEPTANCE EXPIRED on 2026-10-01: internal fork, reviewed \(socket\.yml:14\)/);
});

test('evidence is capped at 3 unless verbose', () => {
  const report = fixture('blocking');
  const alert = report.alerts[0] as ReportAlert;
  alert.evidence = Array.from({ length: 10 }, (_, i) => ({
    file: `lib/file${i}.js`,
    line: i + 1,
  }));
  const count = (s: string) => (s.match(/lib\/file\d\.js:\d+/g) ?? []).length;
  const short = renderTerminal(report, plain);
  assert.equal(count(short), 3);
  assert.match(short, /… 7 more locations/);
  assert.equal(count(renderTerminal(report, verbose)), 10);
});

test('failures, expired accepted risks, problems, warnings and scores are listed', () => {
  const out = renderTerminal(fixture('blocking'), plain);
  assert.match(out, /NOT ANALYSED \(1\)\n.*fetch failed: ghost@2\.0\.0: the registry answered 404/);
  assert.match(out, /socket\.yml:14 lodahs@\*: didYouMean: EXPIRED on 2026-10-01/);
  assert.doesNotMatch(out, /socket\.yml:8 qs/, 'active entries show on their alerts');
  assert.match(out, /socket\.yml:3:1: warning: unknown key "issueRule" \[config-unknown-key\]/);
  assert.match(out, /hint: did you mean "issueRules"\?/);
  assert.match(out, /! the advisory database is 1 day old/);
  assert.match(out, /overall +20 +lowest: evil-helper@1\.0\.1 20/);
  const unused = fixture('blocking');
  const risk = unused.acceptedRisks[0];
  assert.ok(risk);
  risk.status = 'unused';
  assert.match(
    renderTerminal(unused, plain),
    /socket\.yml:8 qs@6\.5\.2: cve: unused: matched no alert/,
  );
});

test('no escape byte without colour; ANSI colours with it', () => {
  for (const name of ['blocking', 'healthy', 'hostile']) {
    for (const verboseFlag of [false, true]) {
      const out = renderTerminal(fixture(name), { color: false, verbose: verboseFlag });
      assert.ok(!out.includes('\x1b'), `${name}: no ESC`);
    }
  }
  const coloured = renderTerminal(fixture('blocking'), { color: true, verbose: false });
  assert.ok(coloured.startsWith('\x1b[1m\x1b[31mBLOCKED: 1 blocking alert\x1b[0m'));
});

test('hostile package text is sanitised: no control or bidi character reaches the terminal', () => {
  const report = fixture('hostile');
  const malware = report.alerts.find((a) => a.type === 'malware');
  assert.ok(malware?.message.includes('\x1b[2J') && malware.message.includes('\u202e'));
  for (const color of [false, true]) {
    const out = renderTerminal(report, { color, verbose: true });
    // With colour, our own SGR sequences are the only escapes.
    // eslint-disable-next-line no-control-regex
    const withoutOwnColour = out.replace(/\x1b\[[0-9;]*m/g, '');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(withoutOwnColour, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    assert.doesNotMatch(out, /[\u200b-\u200f\u202a-\u202e\u2060-\u2069]/);
    assert.ok(!withoutOwnColour.includes('\x1b[2J'));
    assert.match(out, /\\u\{1b\}\[2J\\u\{202e\}evil/);
    assert.match(out, /@org\/evil\\u\{202e\}<b>\|x`@1\.0\.1/);
    assert.match(out, /scripts\/\\u\{202e\}txt\.js/);
    assert.match(out, /\\u\{1b\}\]8;;http/, 'an OSC 8 hyperlink in a snippet is inert');
  }
});

test('prose is wrapped at the width (the verdict stays one line)', () => {
  for (const width of [60, 100]) {
    const out = renderTerminal(fixture('blocking'), { ...plain, width });
    for (const line of out.split('\n').slice(1))
      assert.ok(line.length <= width, `${width}: ${line}`);
  }
});

test('pure: the same report renders the same text and is not modified', () => {
  const report = fixture('blocking');
  const before = structuredClone(report);
  const a = renderTerminal(report, verbose);
  assert.equal(renderTerminal(report, verbose), a);
  assert.deepEqual(report, before);
});
