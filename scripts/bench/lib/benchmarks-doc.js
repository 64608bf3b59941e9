// The one writer of docs/benchmarks.md. Each benchmark owns one "## Heading"
// section and replaces only that, so benchmarks run at different times (and
// in different languages) never erase each other's results.
//
// From Node: updateDocs(heading, text, after). From any other language:
//   node scripts/bench/lib/benchmarks-doc.js [--after HEADING] < section.md
// where the section's first line is its "## Heading".
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '..');
const docsFile = path.join(root, 'docs', 'benchmarks.md');

// Replaces only the "## <heading>" section; other sections belong to others.
// A new section goes after the section named `after` when there is one, else last.
function updateDocs(heading, text, after = null) {
  if (text.split('\n', 1)[0].replace(/\s+$/, '') !== `## ${heading}`) {
    throw new Error(`a section for "${heading}" must start with the line "## ${heading}"`);
  }
  // One newline at the end, so the next section follows after one blank line.
  text = text.replace(/\n*$/, '\n');
  let doc = fs.existsSync(docsFile) ? fs.readFileSync(docsFile, 'utf8') : '# Benchmarks\n';
  const lines = doc.split('\n');
  const find = (name) => lines.findIndex((l) => l.replace(/\s+$/, '') === `## ${name}`);
  const start = find(heading);
  const anchor = after ? find(after) : -1;
  if (start === -1 && anchor !== -1) {
    let end = lines.findIndex((l, i) => i > anchor && /^## /.test(l));
    if (end === -1) end = lines.length;
    const before = lines.slice(0, end).join('\n').replace(/\n*$/, '');
    const rest = lines.slice(end).join('\n').replace(/^\n*/, '');
    doc = `${before}\n\n${text}${rest ? `\n${rest}` : ''}`;
  } else if (start === -1) {
    doc = `${doc.replace(/\n*$/, '')}\n\n${text}`;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end === -1) end = lines.length;
    const before = lines.slice(0, start).join('\n').replace(/\n*$/, '');
    const rest = lines.slice(end).join('\n').replace(/^\n*/, '');
    doc = `${before}${before ? '\n\n' : ''}${text}${rest ? `\n${rest}` : ''}`;
  }
  fs.mkdirSync(path.dirname(docsFile), { recursive: true });
  // Written aside and renamed, so an interrupted run leaves the old file whole.
  const temp = `${docsFile}.${process.pid}.tmp`;
  fs.writeFileSync(temp, doc.endsWith('\n') ? doc : `${doc}\n`);
  fs.renameSync(temp, docsFile);
}

function main(argv) {
  const usage = 'usage: node scripts/bench/lib/benchmarks-doc.js [--after HEADING] < section.md';
  let after = null;
  if (argv.length === 2 && argv[0] === '--after' && argv[1] !== '') after = argv[1];
  else if (argv.length !== 0) throw new Error(usage);
  const text = fs.readFileSync(0, 'utf8');
  const first = text.split('\n', 1)[0];
  if (!/^## \S/.test(first)) throw new Error(`the section on stdin must start with "## Heading", not ${JSON.stringify(first)}\n${usage}`);
  const heading = first.slice(3).replace(/\s+$/, '');
  updateDocs(heading, text, after);
  console.log(`written to ${path.relative(process.cwd(), docsFile) || docsFile}, section "${heading}"`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`benchmarks-doc: ${err.message}`);
    process.exit(2);
  }
}

module.exports = { docsFile, updateDocs };
