/**
 * The shapes the API answers with, as the browser sees them. Domain types come from the server's
 * pure modules (no I/O, so the role list can even be bundled), so a change there fails this build
 * instead of a page at run time.
 */

import type { Principal, RoleGrant } from '../../../auth/principal.js';
import type { Authority, Source } from '../../../catalog/model.js';
import type { ExtractManifest } from '../../../extracts/manifest.js';
import type { Application } from '../../../projects/application.js';
import type { ProjectStatus } from '../../../projects/status.js';
import type { WorkspaceStatus } from '../../../workspaces/status.js';

export type { Principal, Role, RoleGrant } from '../../../auth/principal.js';
export { ROLES } from '../../../auth/principal.js';
export type { Classification, Variable, VariableType } from '../../../catalog/model.js';
export type { CohortCriterion, RequestedVariable } from '../../../projects/application.js';
export type { Application, Authority, ExtractManifest, ProjectStatus, Source };

export interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  principal: Principal;
}

export interface Decision {
  authority: string;
  decision: 'approved' | 'rejected';
  reason: string;
  decidedBy: string;
  decidedAt: string;
}

export interface Project {
  id: string;
  applicant: string;
  status: ProjectStatus;
  revision: number;
  application: Application;
  authorities: string[];
  /** Decisions on the current revision only; an amendment starts over. */
  decisions: Decision[];
  createdAt: string;
  updatedAt: string;
}

export interface Account {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  roles: RoleGrant[];
}

/** A project as the public access register shows it: purpose and scope, never who decided. */
export interface RegisteredProject {
  id: string;
  title: string;
  purpose: string;
  institution: string;
  legalBasis: string;
  authorities: string[];
  sources: string[];
  /** "source.variable" */
  variables: string[];
  period: { from: string; to: string };
  deletionDate?: string;
  status: ProjectStatus;
  revision?: number;
  decisions?: { authority: string; decision: 'approved' | 'rejected'; reason: string; decidedAt: string }[];
  /** Outputs released from the project: file names, sizes and hashes, never contents. */
  releases?: { id: string; releasedAt: string; files: { name: string; size: number; sha256: string }[] }[];
}

/** One extract version: its build status and, once published, its manifest (never rows). */
export interface Extract {
  id: string;
  projectId: string;
  version: number;
  status: 'running' | 'published' | 'failed';
  stage: string;
  /** 0..1 */
  progress: number;
  requestedAt: string;
  finishedAt?: string | null;
  rows?: number | null;
  manifestSha256?: string | null;
  manifest?: ExtractManifest | null;
  error?: string | null;
}

/** A workspace of a project, as the reconciler reports it. */
/** GET /api/v1/release-requests/{id}/files/{fileId}/preview */
export type FilePreview =
  | { kind: 'table'; header: string[]; rows: string[][]; totalRows: number }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'image'; mediaType: string; base64: string }
  | { kind: 'none'; reason: string };

/** GET /api/v1/workspaces/{id}/outbox */
export interface OutboxFile {
  name: string;
  size: number;
  lastModified: string;
}

export interface Workspace {
  id: string;
  projectId: string;
  template: string;
  kind: 'interactive' | 'batch';
  extractVersion: number;
  status: WorkspaceStatus;
  desired: 'running' | 'stopped' | 'deleted';
  reason?: string | null;
  createdAt: string;
  statusChangedAt: string;
  lastActivityAt?: string;
}

export interface WorkspaceTemplate {
  name: string;
  description: string;
  kind: 'interactive' | 'batch';
  /** What runs in the sandbox: jupyterlab, rstudio or script. */
  app?: string;
  resources?: { cpu: string; memory: string; scratch: string };
  idleTimeoutMinutes?: number;
  maxRuntimeMinutes?: number;
}

/** An output-control profile (policies/output/*.yaml): what may leave a workspace. */
export interface OutputProfile {
  name: string;
  description: string;
  counts: { threshold: number; zeros: string; rounding: number | null; missing: string };
  magnitude: { threshold: number; dominance: { n: number; k: number }; pPercent: number };
  regression: { residualDf: number };
  individual: { identifierMinRows: number; cohortRowRatio: number; dayLevelMinCount: number };
}

/** One item of a project's public activity: a transparency-log entry, proven on the log page. */
export interface ActivityItem {
  /** The entry's index in the transparency log. */
  index: number;
  time: string;
  type: string;
  kind: 'application' | 'extract' | 'workspace' | 'output';
  subject: string | null;
  details: Record<string, unknown>;
  files: { name: string; sha256: string; size?: number }[];
}

export type ReleaseStatus =
  | 'draft'
  | 'submitted'
  | 'partially_reviewed'
  | 'reviewed'
  | 'approved'
  | 'released'
  | 'returned'
  | 'rejected'
  | 'withdrawn';
export type Verdict = 'pass' | 'review' | 'block';

/** A cell the automatic checks flagged: its row (data rows from 1; 0 is the header), column and value. */
export interface FlaggedCell {
  row: number;
  column: string;
  value: string;
}

export interface Finding {
  rule: string;
  severity: 'review' | 'block';
  message: string;
  cells: FlaggedCell[];
}

export interface ReleaseFile {
  id: string;
  name: string;
  revision: number;
  size: number;
  sha256: string;
  /** The automatic checks' verdict; null until the request is submitted. */
  verdict: Verdict | null;
  findings: Finding[] | null;
  releasedAt: string | null;
  addedAt: string;
}

/** A vote as the caller may see it: blind reviewers see only their own, researchers none until reviewed. */
export interface ReleaseVote {
  file: string;
  revision: number;
  reviewer?: string;
  vote: 'approve' | 'changes_requested';
  comment: string;
  votedAt: string;
  mine: boolean;
}

export interface ReleaseRequest {
  id: string;
  projectId: string;
  workspaceId: string;
  author: string;
  status: ReleaseStatus;
  context: string;
  comment?: string | null;
  profile?: string | null;
  approvalsPerFile: number;
  viewer: 'member' | 'reviewer' | 'admin';
  createdAt: string;
  updatedAt: string;
  submittedAt?: string | null;
  releasedAt?: string | null;
  files: ReleaseFile[];
  votes: ReleaseVote[];
}
