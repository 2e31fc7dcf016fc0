import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { KlarsynError } from '../../errors.js';
import { stateDiagram } from '../../outputs/release/status.js';
import { printTable } from '../context.js';
import { ReleaseClient, type RequestView } from './release-client.js';

interface ServerOptions {
  url?: string;
}

const VOTE = ['approve', 'changes_requested'];

/** The server and token from --url / KLARSYN_URL and KLARSYN_TOKEN; missing ones are usage errors (2). */
function client(command: Command): ReleaseClient {
  const opts = command.optsWithGlobals<ServerOptions>();
  const url = opts.url ?? process.env.KLARSYN_URL;
  const token = process.env.KLARSYN_TOKEN;
  if (!url) command.error('error: say which server: --url URL or KLARSYN_URL', { exitCode: 2 });
  if (!token) {
    command.error('error: set KLARSYN_TOKEN to your API token (the web application makes one)', {
      exitCode: 2,
    });
  }
  if (!/^https?:\/\//.test(url as string))
    command.error(`error: ${url} is not an http(s) URL`, { exitCode: 2 });
  return new ReleaseClient((url as string).replace(/\/+$/, ''), token as string);
}

function row(r: RequestView): Record<string, string> {
  const verdicts = r.files.map((f) => f.verdict ?? '-');
  return {
    id: r.id,
    status: r.status,
    files: String(r.files.length),
    checks: [...new Set(verdicts)].join(','),
    votes: String(r.votes.length),
    created: r.createdAt.slice(0, 16).replace('T', ' '),
  };
}

function show(r: RequestView): void {
  const out = process.stdout;
  out.write(`release request ${r.id}  (${r.status})\n`);
  out.write(`project ${r.projectId}  workspace ${r.workspaceId}  profile ${r.profile ?? '-'}\n`);
  out.write(`context: ${r.context}\n`);
  if (r.comment) out.write(`reviewers' comment: ${r.comment}\n`);
  out.write(`each file needs ${r.approvalsPerFile} approvals\n\n`);
  printTable(
    r.files.map((f) => ({
      file: f.name,
      rev: String(f.revision),
      bytes: String(f.size),
      checks: f.verdict ?? '-',
      approvals: String(
        r.votes.filter((v) => v.file === f.name && v.revision === f.revision && v.vote === 'approve').length,
      ),
      sha256: f.sha256,
    })),
  );
  for (const f of r.files) {
    for (const finding of f.findings ?? [])
      out.write(`  ${f.name}: ${finding.severity} ${finding.rule}: ${finding.message}\n`);
  }
  if (r.votes.length > 0) {
    out.write('\nvotes you may see:\n');
    for (const v of r.votes) {
      out.write(
        `  ${v.file} (rev ${v.revision}): ${v.vote}${v.mine ? ' (yours)' : ''}${v.comment ? ` — ${v.comment}` : ''}\n`,
      );
    }
  }
}

export function register(program: Command): void {
  const release = program
    .command('release')
    .description('output release requests: compose, submit, review, release and download (talks to a server)')
    .option('--url <url>', 'the Klarsyn server (default: KLARSYN_URL); your API token goes in KLARSYN_TOKEN')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 the server refused (with its reason) or cannot be reached, 2 usage error.',
    );

  release
    .command('states')
    .description('the workflow: every state, where it may move and who moves it (a Mermaid state diagram)')
    .action(() => {
      process.stdout.write(stateDiagram());
    });

  release
    .command('list')
    .description("a project's release requests")
    .requiredOption('--project <id>', 'the project')
    .action(async (opts: { project: string }, command: Command) => {
      const list = await client(command).call<RequestView[]>(
        'GET',
        `/projects/${encodeURIComponent(opts.project)}/release-requests`,
      );
      if (list.length === 0) process.stdout.write('no release requests\n');
      printTable(list.map(row));
    });

  release
    .command('queue')
    .description('requests awaiting your review or release (reviewers; never your own projects)')
    .action(async (_opts: unknown, command: Command) => {
      const list = await client(command).call<RequestView[]>('GET', '/release-requests/queue');
      if (list.length === 0) process.stdout.write('nothing to review\n');
      printTable(list.map(row));
    });

  release
    .command('show <request>')
    .description('one request: files, automatic checks, and the votes you may see')
    .option('--json', 'print the request as JSON')
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const r = await client(command).call('GET', `/release-requests/${encodeURIComponent(id)}`);
      if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else show(r);
    });

  release
    .command('create <files...>')
    .description("compose a draft from files in a workspace's outbox (outputs.yaml beside them is read too)")
    .requiredOption('--project <id>', 'the project')
    .requiredOption('--workspace <id>', 'the workspace whose outbox holds the files')
    .requiredOption('--context <text>', 'what the files show and how they were made, for the reviewers')
    .option('--submit', 'submit it at once')
    .action(
      async (
        files: string[],
        opts: { project: string; workspace: string; context: string; submit?: boolean },
        command: Command,
      ) => {
        const api = client(command);
        let r = await api.call('POST', `/projects/${encodeURIComponent(opts.project)}/release-requests`, {
          workspaceId: opts.workspace,
          files,
          context: opts.context,
        });
        if (opts.submit) r = await api.call('POST', `/release-requests/${r.id}/submit`, {});
        process.stdout.write(`release request ${r.id} (${r.status}) with ${r.files.length} file(s)\n`);
        if (opts.submit) show(r);
      },
    );

  release
    .command('add <request> <file>')
    .description(
      "add a file from the outbox, or replace the request's file of that name (its votes start over)",
    )
    .action(async (id: string, file: string, _opts: unknown, command: Command) => {
      const r = await client(command).call('PUT', `/release-requests/${encodeURIComponent(id)}/files`, {
        name: file,
      });
      const f = r.files.find((x) => x.name === file);
      process.stdout.write(`${file}: revision ${f?.revision}, ${f?.size} bytes, sha256 ${f?.sha256}\n`);
    });

  release
    .command('remove <request> <file>')
    .description('remove a file from a draft or returned request')
    .action(async (id: string, file: string, _opts: unknown, command: Command) => {
      const api = client(command);
      const r = await api.call('GET', `/release-requests/${encodeURIComponent(id)}`);
      const f = r.files.find((x) => x.name === file);
      if (!f) throw new KlarsynError('not_found', `${file} is not a file of request ${id}`);
      await api.call('DELETE', `/release-requests/${encodeURIComponent(id)}/files/${f?.id}`);
      process.stdout.write(`removed ${file}\n`);
    });

  release
    .command('submit <request>')
    .description('run the automatic checks and hand the request to the reviewers')
    .option('--context <text>', 'replace the context first')
    .action(async (id: string, opts: { context?: string }, command: Command) => {
      const r = await client(command).call(
        'POST',
        `/release-requests/${encodeURIComponent(id)}/submit`,
        opts.context ? { context: opts.context } : {},
      );
      show(r);
    });

  release
    .command('withdraw <request>')
    .description('withdraw your request')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const r = await client(command).call('POST', `/release-requests/${encodeURIComponent(id)}/withdraw`);
      process.stdout.write(`release request ${r.id} is ${r.status}\n`);
    });

  release
    .command('vote <request> <file> <vote>')
    .description('vote on one file: approve or changes_requested (with --comment)')
    .option('--comment <text>', 'why; required when requesting changes')
    .action(async (id: string, file: string, vote: string, opts: { comment?: string }, command: Command) => {
      if (!VOTE.includes(vote)) command.error(`error: a vote is ${VOTE.join(' or ')}`, { exitCode: 2 });
      const r = await client(command).call('POST', `/release-requests/${encodeURIComponent(id)}/votes`, {
        file,
        vote,
        ...(opts.comment ? { comment: opts.comment } : {}),
      });
      process.stdout.write(`voted ${vote} on ${file}; the request is ${r.status}\n`);
    });

  for (const [name, what] of [
    ['return', 'send the request back to the researcher with a comment'],
    ['reject', 'refuse the request for good, with a comment'],
  ] as const) {
    release
      .command(`${name} <request>`)
      .description(what)
      .requiredOption('--comment <text>', 'shown to the researcher')
      .action(async (id: string, opts: { comment: string }, command: Command) => {
        const r = await client(command).call('POST', `/release-requests/${encodeURIComponent(id)}/${name}`, {
          comment: opts.comment,
        });
        process.stdout.write(`release request ${r.id} is ${r.status}\n`);
      });
  }

  release
    .command('approve <request>')
    .description('approve a reviewed request (every file has its approvals, none is blocked)')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const r = await client(command).call('POST', `/release-requests/${encodeURIComponent(id)}/approve`);
      process.stdout.write(`release request ${r.id} is ${r.status}\n`);
    });

  release
    .command('publish <request>')
    .description('release an approved request: copy its files to the release area and publish their hashes')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const r = await client(command).call('POST', `/release-requests/${encodeURIComponent(id)}/release`);
      process.stdout.write(`release request ${r.id} is ${r.status}\n`);
      printTable(r.files.map((f) => ({ file: f.name, bytes: String(f.size), sha256: f.sha256 })));
    });

  release
    .command('download <request> [files...]')
    .description('download released files (all unless named), each checked against its recorded SHA-256')
    .option('-o, --out <dir>', 'directory to write them to', '.')
    .action(async (id: string, files: string[], opts: { out: string }, command: Command) => {
      const api = client(command);
      const r = await api.call('GET', `/release-requests/${encodeURIComponent(id)}`);
      const wanted = files.length > 0 ? files : r.files.map((f) => f.name);
      const unknown = wanted.filter((n) => !r.files.some((f) => f.name === n));
      if (unknown.length > 0)
        throw new KlarsynError('not_found', `not in request ${id}: ${unknown.join(', ')}`);
      mkdirSync(opts.out, { recursive: true });
      for (const name of wanted) {
        const f = r.files.find((x) => x.name === name) as RequestView['files'][number];
        const bytes = await api.download(
          `/release-requests/${encodeURIComponent(id)}/files/${f.id}`,
          f.sha256,
        );
        // Names are object keys (no `..`, no leading `/`); the check keeps it so whatever the server says.
        const target = join(opts.out, name);
        if (relative(resolve(opts.out), resolve(target)).startsWith('..')) {
          throw new KlarsynError('validation_failed', `${name} would be written outside ${opts.out}`);
        }
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
        process.stdout.write(`${target}  ${bytes.length} bytes  sha256 ${f.sha256} (verified)\n`);
      }
    });
}
